# The test runner and the shell library the integration tests share.
EXTRA_DIST += tests/run-tests tests/lib.sh
INTEGRATION_TESTS += \
	tests/integration/test_programs.sh
# The schema validator every rendered object is checked with (tests/schema;
# its npm packages come from tools/install-deps, node_modules is not shipped).
EXTRA_DIST += tests/schema/package.json tests/schema/package-lock.json \
	tests/schema/validate.mjs tests/schema/lib.sh \
	tests/integration/schema/test_validator.sh \
	tests/integration/schema/typo-sweep.mjs tests/integration/schema/fixtures
INTEGRATION_TESTS += tests/integration/schema/test_validator.sh
