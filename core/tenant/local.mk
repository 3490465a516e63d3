# core/tenant: spec, templates, render, apply, status, delete.
libodoosaas_a_SOURCES += \
	core/tenant/tenant.h \
	core/tenant/spec.c core/tenant/spec.h \
	core/tenant/vars.c \
	core/tenant/render.c core/tenant/render.h \
	core/tenant/templates.c core/tenant/templates.h \
	core/tenant/status.c core/tenant/status.h \
	core/tenant/apply.c core/tenant/apply.h \
	core/tenant/delete.c core/tenant/delete.h
nodist_libodoosaas_a_SOURCES = core/tenant/templates_embedded.c
BUILT_SOURCES = core/tenant/templates_embedded.c
CLEANFILES += core/tenant/templates_embedded.c

# The tenant templates, in the order they render.
TEMPLATE_FILES = \
	templates/00-namespace.yaml \
	templates/10-quota.yaml \
	templates/20-secrets.yaml \
	templates/30-postgresql.yaml \
	templates/40-odoo-config.yaml \
	templates/50-db-init-job.yaml \
	templates/60-odoo.yaml \
	templates/70-route.yaml \
	templates/80-network-policies.yaml
EXTRA_DIST += $(TEMPLATE_FILES) tools/embed-templates

core/tenant/templates_embedded.c: $(TEMPLATE_FILES) $(top_srcdir)/tools/embed-templates
	$(AM_V_GEN)$(MKDIR_P) core/tenant && \
	  $(SHELL) $(top_srcdir)/tools/embed-templates $(addprefix $(top_srcdir)/,$(TEMPLATE_FILES)) > $@.tmp && \
	  mv $@.tmp $@

UNIT_TESTS += tests/unit/tenant/test_spec
check_PROGRAMS += tests/unit/tenant/test_spec
tests_unit_tenant_test_spec_SOURCES = tests/unit/tenant/test_spec.c
tests_unit_tenant_test_spec_CFLAGS = $(UNIT_CFLAGS)
tests_unit_tenant_test_spec_LDADD = $(UNIT_LDADD)

UNIT_TESTS += tests/unit/tenant/test_render
check_PROGRAMS += tests/unit/tenant/test_render
tests_unit_tenant_test_render_SOURCES = tests/unit/tenant/test_render.c
tests_unit_tenant_test_render_CFLAGS = $(UNIT_CFLAGS)
tests_unit_tenant_test_render_LDADD = $(UNIT_LDADD)
