# core/cluster: nodes, metrics, placement, the NetworkPolicy evaluator.
libodoosaas_a_SOURCES += \
	core/cluster/cluster.h \
	core/cluster/nodes.c core/cluster/nodes.h

UNIT_TESTS += tests/unit/cluster/test_nodes
check_PROGRAMS += tests/unit/cluster/test_nodes
tests_unit_cluster_test_nodes_SOURCES = tests/unit/cluster/test_nodes.c
tests_unit_cluster_test_nodes_CFLAGS = $(UNIT_CFLAGS)
tests_unit_cluster_test_nodes_LDADD = $(UNIT_LDADD)
EXTRA_DIST += tests/unit/cluster/fixtures
