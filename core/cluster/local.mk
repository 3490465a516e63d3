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

# The NetworkPolicy evaluator and the per-tenant isolation report.
libodoosaas_a_SOURCES += \
	core/cluster/netpol.c core/cluster/netpol.h \
	core/cluster/isolation.c core/cluster/isolation.h

UNIT_TESTS += tests/unit/cluster/test_netpol
check_PROGRAMS += tests/unit/cluster/test_netpol
tests_unit_cluster_test_netpol_SOURCES = tests/unit/cluster/test_netpol.c
tests_unit_cluster_test_netpol_CFLAGS = $(UNIT_CFLAGS)
tests_unit_cluster_test_netpol_LDADD = $(UNIT_LDADD)

UNIT_TESTS += tests/unit/cluster/test_isolation
check_PROGRAMS += tests/unit/cluster/test_isolation
tests_unit_cluster_test_isolation_SOURCES = tests/unit/cluster/test_isolation.c
tests_unit_cluster_test_isolation_CFLAGS = $(UNIT_CFLAGS)
tests_unit_cluster_test_isolation_LDADD = $(UNIT_LDADD)

# Rebalancing: which tenants to move so Odoo pods spread evenly.
libodoosaas_a_SOURCES += core/cluster/rebalance.c core/cluster/rebalance.h
UNIT_TESTS += tests/unit/cluster/test_rebalance
check_PROGRAMS += tests/unit/cluster/test_rebalance
tests_unit_cluster_test_rebalance_SOURCES = tests/unit/cluster/test_rebalance.c
tests_unit_cluster_test_rebalance_CFLAGS = $(UNIT_CFLAGS)
tests_unit_cluster_test_rebalance_LDADD = $(UNIT_LDADD)
