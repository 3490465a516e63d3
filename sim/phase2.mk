# Simulator phase 2: the scheduler, ResourceQuota admission and the kubelet
# pod state machine, as pure modules (no lock, no HTTP, no global state).
# odoo-saas-sim picks them up by adding $(SIM_PHASE2_SRC) to its
# sources; the unit tests compile them straight into each test binary.
SIM_PHASE2_SRC = \
	sim/scheduler.c sim/scheduler.h \
	sim/quota.c sim/quota.h \
	sim/podstate.c sim/podstate.h

SIM_PHASE2_UNIT_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) -I$(top_srcdir)/sim
SIM_PHASE2_UNIT_LDADD = $(CORE_LIBS) $(CMOCKA_LIBS)

UNIT_TESTS += \
	tests/unit/sim/test_scheduler \
	tests/unit/sim/test_quota \
	tests/unit/sim/test_podstate
check_PROGRAMS += \
	tests/unit/sim/test_scheduler \
	tests/unit/sim/test_quota \
	tests/unit/sim/test_podstate

tests_unit_sim_test_scheduler_SOURCES = tests/unit/sim/test_scheduler.c \
	sim/scheduler.c sim/scheduler.h
tests_unit_sim_test_scheduler_CFLAGS = $(SIM_PHASE2_UNIT_CFLAGS)
tests_unit_sim_test_scheduler_LDADD = $(SIM_PHASE2_UNIT_LDADD)

tests_unit_sim_test_quota_SOURCES = tests/unit/sim/test_quota.c \
	sim/quota.c sim/quota.h
tests_unit_sim_test_quota_CFLAGS = $(SIM_PHASE2_UNIT_CFLAGS)
tests_unit_sim_test_quota_LDADD = $(SIM_PHASE2_UNIT_LDADD)

tests_unit_sim_test_podstate_SOURCES = tests/unit/sim/test_podstate.c \
	sim/podstate.c sim/podstate.h
tests_unit_sim_test_podstate_CFLAGS = $(SIM_PHASE2_UNIT_CFLAGS)
tests_unit_sim_test_podstate_LDADD = $(SIM_PHASE2_UNIT_LDADD)

# The Deployment controller's arithmetic (maxSurge/maxUnavailable,
# revisionHistoryLimit); sim/rollout.c is in odoo-saas-sim's sources.
UNIT_TESTS += tests/unit/sim/test_rollout
check_PROGRAMS += tests/unit/sim/test_rollout
tests_unit_sim_test_rollout_SOURCES = tests/unit/sim/test_rollout.c \
	sim/rollout.c sim/rollout.h
tests_unit_sim_test_rollout_CFLAGS = $(SIM_PHASE2_UNIT_CFLAGS)
tests_unit_sim_test_rollout_LDADD = $(SIM_PHASE2_UNIT_LDADD)
