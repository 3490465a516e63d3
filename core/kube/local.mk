# core/kube: the Kubernetes client.
libodoosaas_a_SOURCES += \
	core/kube/kube.h \
	core/kube/resource.c core/kube/resource.h \
	core/kube/quantity.c core/kube/quantity.h \
	core/kube/kubeconfig.c core/kube/kubeconfig.h \
	core/kube/watch_stream.c core/kube/watch_stream.h \
	core/kube/status.c core/kube/status.h \
	core/kube/transport.c core/kube/transport.h \
	core/kube/rest.c core/kube/rest.h \
	core/kube/watch.c core/kube/watch.h \
	core/kube/selector.c core/kube/selector.h

UNIT_TESTS += \
	tests/unit/kube/test_quantity \
	tests/unit/kube/test_kubeconfig \
	tests/unit/kube/test_watch_stream \
	tests/unit/kube/test_selector \
	tests/unit/kube/test_status \
	tests/unit/kube/test_resource
check_PROGRAMS += \
	tests/unit/kube/test_quantity \
	tests/unit/kube/test_kubeconfig \
	tests/unit/kube/test_watch_stream \
	tests/unit/kube/test_selector \
	tests/unit/kube/test_status \
	tests/unit/kube/test_resource

UNIT_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
UNIT_LDADD = $(CORE_LIBS) $(CMOCKA_LIBS)

tests_unit_kube_test_quantity_SOURCES = tests/unit/kube/test_quantity.c
tests_unit_kube_test_quantity_CFLAGS = $(UNIT_CFLAGS)
tests_unit_kube_test_quantity_LDADD = $(UNIT_LDADD)

tests_unit_kube_test_kubeconfig_SOURCES = tests/unit/kube/test_kubeconfig.c
tests_unit_kube_test_kubeconfig_CFLAGS = $(UNIT_CFLAGS)
tests_unit_kube_test_kubeconfig_LDADD = $(UNIT_LDADD)

tests_unit_kube_test_watch_stream_SOURCES = tests/unit/kube/test_watch_stream.c
tests_unit_kube_test_watch_stream_CFLAGS = $(UNIT_CFLAGS)
tests_unit_kube_test_watch_stream_LDADD = $(UNIT_LDADD)

tests_unit_kube_test_selector_SOURCES = tests/unit/kube/test_selector.c
tests_unit_kube_test_selector_CFLAGS = $(UNIT_CFLAGS)
tests_unit_kube_test_selector_LDADD = $(UNIT_LDADD)

tests_unit_kube_test_status_SOURCES = tests/unit/kube/test_status.c
tests_unit_kube_test_status_CFLAGS = $(UNIT_CFLAGS)
tests_unit_kube_test_status_LDADD = $(UNIT_LDADD)

tests_unit_kube_test_resource_SOURCES = tests/unit/kube/test_resource.c
tests_unit_kube_test_resource_CFLAGS = $(UNIT_CFLAGS)
tests_unit_kube_test_resource_LDADD = $(UNIT_LDADD)

EXTRA_DIST += tests/unit/kube/fixtures
