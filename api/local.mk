# odoo-saasd: the headless signup API.
bin_PROGRAMS += odoo-saasd
API_SOURCES = \
	api/api.h \
	api/api_config.c \
	api/json_util.c \
	api/routes.c api/routes.h \
	api/metrics.c api/metrics.h \
	api/model.c api/model.h \
	api/openapi.c \
	api/handlers_auth.c \
	api/handlers_tenants.c \
	api/handlers_admin.c \
	api/server.c api/server.h
odoo_saasd_SOURCES = api/main.c $(API_SOURCES)
odoo_saasd_CFLAGS = $(AM_CFLAGS) $(MHD_CFLAGS) $(SQLITE_CFLAGS)
odoo_saasd_LDADD = $(AUTH_LIBS) $(MHD_LIBS)

# Integration tests: odoo-saasd against odoo-saas-sim, driven with curl.
EXTRA_DIST += tests/integration/api/lib-api.sh
API_INTEGRATION = \
	tests/integration/api/test_signup.sh \
	tests/integration/api/test_tokens.sh \
	tests/integration/api/test_bad_input.sh \
	tests/integration/api/test_ops.sh
INTEGRATION_TESTS += $(API_INTEGRATION)
dist_check_SCRIPTS += $(API_INTEGRATION)
