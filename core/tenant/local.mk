# core/tenant: spec, templates, render, apply, status, delete.
libodoosaas_a_SOURCES += \
	core/tenant/tenant.h \
	core/tenant/spec.c core/tenant/spec.h

UNIT_TESTS += tests/unit/tenant/test_spec
check_PROGRAMS += tests/unit/tenant/test_spec
tests_unit_tenant_test_spec_SOURCES = tests/unit/tenant/test_spec.c
tests_unit_tenant_test_spec_CFLAGS = $(UNIT_CFLAGS)
tests_unit_tenant_test_spec_LDADD = $(UNIT_LDADD)
