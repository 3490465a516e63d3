libodoosaas_a_SOURCES += \
	core/error.c core/error.h

UNIT_TESTS += tests/unit/test_error
check_PROGRAMS += tests/unit/test_error
tests_unit_test_error_SOURCES = tests/unit/test_error.c
tests_unit_test_error_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_error_LDADD = $(CORE_LIBS) $(CMOCKA_LIBS)
