# Integration tests of core/kube against odoo-saas-sim.
check_PROGRAMS += tests/integration/kube/client_check
tests_integration_kube_client_check_SOURCES = tests/integration/kube/client_check.c
tests_integration_kube_client_check_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_integration_kube_client_check_LDADD = $(CORE_LIBS) $(CMOCKA_LIBS)
INTEGRATION_TESTS += tests/integration/kube/test_client.sh tests/integration/kube/test_http2.sh
dist_check_SCRIPTS += tests/integration/kube/test_client.sh tests/integration/kube/test_http2.sh
