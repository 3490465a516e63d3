libodoosaas_a_SOURCES += \
	core/error.c core/error.h \
	core/yaml_json.c core/yaml_json.h \
	core/os_config.c core/os_config.h \
	core/term_text.c core/term_text.h

UNIT_TESTS += tests/unit/test_error
check_PROGRAMS += tests/unit/test_error
tests_unit_test_error_SOURCES = tests/unit/test_error.c
tests_unit_test_error_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_error_LDADD = $(CORE_LIBS) $(CMOCKA_LIBS)

UNIT_TESTS += tests/unit/test_yaml_json
check_PROGRAMS += tests/unit/test_yaml_json
tests_unit_test_yaml_json_SOURCES = tests/unit/test_yaml_json.c
tests_unit_test_yaml_json_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_yaml_json_LDADD = $(CORE_LIBS) $(CMOCKA_LIBS)

UNIT_TESTS += tests/unit/test_os_config
check_PROGRAMS += tests/unit/test_os_config
tests_unit_test_os_config_SOURCES = tests/unit/test_os_config.c
tests_unit_test_os_config_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_os_config_LDADD = $(CORE_LIBS) $(CMOCKA_LIBS)

UNIT_TESTS += tests/unit/test_term_text
check_PROGRAMS += tests/unit/test_term_text
tests_unit_test_term_text_SOURCES = tests/unit/test_term_text.c
tests_unit_test_term_text_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_term_text_LDADD = $(CORE_LIBS) $(CMOCKA_LIBS)

# A test helper for the api and deploy suites: YAML manifests to one JSON
# array (through core/yaml_json) for the schema validator.
check_PROGRAMS += tests/integration/schema/yaml2json
tests_integration_schema_yaml2json_SOURCES = tests/integration/schema/yaml2json.c
tests_integration_schema_yaml2json_LDADD = $(CORE_LIBS)
