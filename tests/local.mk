# The test runner and the shell library the integration tests share.
EXTRA_DIST += tests/run-tests tests/lib.sh
INTEGRATION_TESTS += \
	tests/integration/test_programs.sh
