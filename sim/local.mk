# odoo-saas-sim: a loopback Kubernetes API server stand-in (see sim/sim.h for
# the module map).
bin_PROGRAMS += odoo-saas-sim
odoo_saas_sim_SOURCES = \
	sim/sim.h \
	sim/main.c \
	sim/util.c \
	sim/tls.c \
	sim/kubeconfig.c \
	sim/server.c \
	sim/router.c \
	sim/discovery.c \
	sim/store.c \
	sim/status.c \
	sim/verbs_read.c \
	sim/verbs_write.c \
	sim/patch.c \
	sim/apply.c \
	sim/yaml_json.c \
	sim/validate.c \
	sim/validate_kinds.c \
	sim/tokens.c \
	sim/auth.c \
	sim/rbac.c sim/rbac.h \
	sim/table.c \
	sim/watch.c \
	sim/scale.c \
	sim/lifecycle.c \
	sim/seed.c \
	sim/faults.c sim/faults.h \
	sim/controllers.c sim/controllers.h \
	sim/workloads.c \
	sim/replicasets.c \
	sim/rollout.c sim/rollout.h \
	sim/kubelet.c \
	sim/events.c \
	sim/metrics.c sim/metrics.h \
	sim/seed_tenants.c \
	sim/seed_render.c sim/seed_render.h \
	sim/logs.c sim/logs.h \
	sim/state.c sim/state.h \
	$(SIM_PHASE2_SRC)
odoo_saas_sim_CFLAGS = $(AM_CFLAGS) $(MHD_CFLAGS) $(GNUTLS_CFLAGS)
odoo_saas_sim_LDADD = $(CORE_LIBS) $(MHD_LIBS) $(GNUTLS_LIBS) -lpthread -lm

# Integration tests: shell scripts driving a real simulator with curl and
# kubectl.  tests/integration/sim/lib-sim.sh is their shared start/stop code.
INTEGRATION_TESTS += \
	tests/integration/sim/test_basics.sh \
	tests/integration/sim/test_crud.sh \
	tests/integration/sim/test_watch.sh \
	tests/integration/sim/test_namespace.sh \
	tests/integration/sim/test_apply.sh \
	tests/integration/sim/test_kubectl.sh \
	tests/integration/sim/test_robustness.sh \
	tests/integration/sim/test_faults.sh \
	tests/integration/sim/test_controllers.sh \
	tests/integration/sim/test_replicasets.sh \
	tests/integration/sim/test_rollout.sh \
	tests/integration/sim/test_seed_tenants.sh \
	tests/integration/sim/test_state.sh \
	tests/integration/sim/test_rbac.sh
EXTRA_DIST += sim/README.md tests/integration/sim/lib-sim.sh
dist_check_SCRIPTS += \
	tests/integration/sim/test_basics.sh \
	tests/integration/sim/test_crud.sh \
	tests/integration/sim/test_watch.sh \
	tests/integration/sim/test_namespace.sh \
	tests/integration/sim/test_apply.sh \
	tests/integration/sim/test_kubectl.sh \
	tests/integration/sim/test_robustness.sh \
	tests/integration/sim/test_faults.sh \
	tests/integration/sim/test_controllers.sh \
	tests/integration/sim/test_replicasets.sh \
	tests/integration/sim/test_rollout.sh \
	tests/integration/sim/test_seed_tenants.sh \
	tests/integration/sim/test_state.sh \
	tests/integration/sim/test_rbac.sh

# The RBAC authorizer is pure (sim/rbac.h), so its unit test compiles it
# straight in, as the phase-2 modules' tests do (sim/phase2.mk).
UNIT_TESTS += tests/unit/sim/test_rbac
check_PROGRAMS += tests/unit/sim/test_rbac
tests_unit_sim_test_rbac_SOURCES = tests/unit/sim/test_rbac.c sim/rbac.c sim/rbac.h
tests_unit_sim_test_rbac_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) -I$(top_srcdir)/sim
tests_unit_sim_test_rbac_LDADD = $(CORE_LIBS) $(CMOCKA_LIBS)
