# odoo-saasd: the headless signup API.
bin_PROGRAMS += odoo-saasd
API_SOURCES = \
	api/api.h \
	api/api_config.c \
	api/json_util.c \
	api/auth_memo.c api/auth_memo.h \
	api/routes.c api/routes.h \
	api/dispatch.c api/dispatch.h \
	api/access_log.c api/access_log.h \
	api/allow_list.c api/allow_list.h \
	api/metrics.c api/metrics.h \
	api/model.c api/model.h \
	api/openapi.c \
	api/handlers_auth.c \
	api/handlers_tenants.c \
	api/handlers_admin.c \
	api/server.c api/server.h
# Everything but main(), as a library the unit tests link too.
noinst_LIBRARIES += libodoosaasd.a
libodoosaasd_a_SOURCES = $(API_SOURCES)
libodoosaasd_a_CFLAGS = $(AM_CFLAGS) $(MHD_CFLAGS) $(SQLITE_CFLAGS)
API_LIBS = libodoosaasd.a $(AUTH_LIBS) $(MHD_LIBS)
odoo_saasd_SOURCES = api/main.c
odoo_saasd_CFLAGS = $(AM_CFLAGS) $(MHD_CFLAGS) $(SQLITE_CFLAGS)
odoo_saasd_LDADD = $(API_LIBS)

# Unit tests (cmocka) of the pure parts.
API_UNIT_TESTS = tests/unit/api/test_routes tests/unit/api/test_json_util \
	tests/unit/api/test_metrics tests/unit/api/test_api_config \
	tests/unit/api/test_dispatch tests/unit/api/test_auth_memo tests/unit/api/test_access_log \
	tests/unit/api/test_allow_list
UNIT_TESTS += $(API_UNIT_TESTS)
check_PROGRAMS += $(API_UNIT_TESTS)
API_UNIT_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(MHD_CFLAGS)
API_UNIT_LDADD = $(API_LIBS) $(CMOCKA_LIBS)
tests_unit_api_test_routes_SOURCES = tests/unit/api/test_routes.c
tests_unit_api_test_routes_CFLAGS = $(API_UNIT_CFLAGS)
tests_unit_api_test_routes_LDADD = $(API_UNIT_LDADD)
tests_unit_api_test_json_util_SOURCES = tests/unit/api/test_json_util.c
tests_unit_api_test_json_util_CFLAGS = $(API_UNIT_CFLAGS)
tests_unit_api_test_json_util_LDADD = $(API_UNIT_LDADD)
tests_unit_api_test_metrics_SOURCES = tests/unit/api/test_metrics.c
tests_unit_api_test_metrics_CFLAGS = $(API_UNIT_CFLAGS)
tests_unit_api_test_metrics_LDADD = $(API_UNIT_LDADD)
tests_unit_api_test_api_config_SOURCES = tests/unit/api/test_api_config.c
tests_unit_api_test_api_config_CFLAGS = $(API_UNIT_CFLAGS)
tests_unit_api_test_api_config_LDADD = $(API_UNIT_LDADD)
tests_unit_api_test_dispatch_SOURCES = tests/unit/api/test_dispatch.c
tests_unit_api_test_dispatch_CFLAGS = $(API_UNIT_CFLAGS)
tests_unit_api_test_dispatch_LDADD = $(API_UNIT_LDADD)
tests_unit_api_test_auth_memo_SOURCES = tests/unit/api/test_auth_memo.c
tests_unit_api_test_auth_memo_CFLAGS = $(API_UNIT_CFLAGS)
tests_unit_api_test_auth_memo_LDADD = $(API_UNIT_LDADD)
tests_unit_api_test_access_log_SOURCES = tests/unit/api/test_access_log.c
tests_unit_api_test_access_log_CFLAGS = $(API_UNIT_CFLAGS)
tests_unit_api_test_access_log_LDADD = $(API_UNIT_LDADD)
tests_unit_api_test_allow_list_SOURCES = tests/unit/api/test_allow_list.c
tests_unit_api_test_allow_list_CFLAGS = $(API_UNIT_CFLAGS)
tests_unit_api_test_allow_list_LDADD = $(API_UNIT_LDADD)

# Integration tests: odoo-saasd against odoo-saas-sim, driven with curl.
EXTRA_DIST += tests/integration/api/lib-api.sh tests/integration/api/mock-gotrue.py
API_INTEGRATION = \
	tests/integration/api/test_signup.sh \
	tests/integration/api/test_tokens.sh \
	tests/integration/api/test_bad_input.sh \
	tests/integration/api/test_ops.sh \
	tests/integration/api/test_manifests.sh \
	tests/integration/api/test_supabase.sh \
	tests/integration/api/test_limits.sh \
	tests/integration/api/test_model.sh \
	tests/integration/api/test_fuzz_corpus.sh \
	tests/integration/api/test_allow_from.sh
INTEGRATION_TESTS += $(API_INTEGRATION)
dist_check_SCRIPTS += $(API_INTEGRATION)

# The in-cluster manifests and the systemd unit (schema-checked by the tests).
# (kubernetes/odoo-saasd/ and kubernetes/host/ are dist_ data in core/deploy/local.mk)
EXTRA_DIST += docs/api.md

# The fuzz target without libFuzzer: replays the seed corpus in every suite
# (tests/integration/api/test_fuzz_corpus.sh).
check_PROGRAMS += tests/fuzz/fuzz_replay
tests_fuzz_fuzz_replay_SOURCES = tests/fuzz/fuzz_request.c tests/fuzz/replay.c
tests_fuzz_fuzz_replay_CFLAGS = $(AM_CFLAGS) $(MHD_CFLAGS) $(SQLITE_CFLAGS)
tests_fuzz_fuzz_replay_LDADD = $(API_LIBS)

# The libFuzzer target of request parsing and routing (configure --enable-fuzz,
# CC=clang); its seed corpus and dictionary sit beside it.
if OS_FUZZ
noinst_PROGRAMS = tests/fuzz/fuzz_request
tests_fuzz_fuzz_request_SOURCES = tests/fuzz/fuzz_request.c
tests_fuzz_fuzz_request_CFLAGS = $(AM_CFLAGS) $(MHD_CFLAGS) $(SQLITE_CFLAGS)
tests_fuzz_fuzz_request_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)
tests_fuzz_fuzz_request_LDADD = $(API_LIBS)
endif
EXTRA_DIST += tests/fuzz/request.dict tests/fuzz/corpus
