/*
 * test_rollout.c - the Deployment controller's arithmetic (sim/rollout.h):
 * IntOrString scaling and fenceposts, the new and old ReplicaSets' sizes
 * (also over whole simulated rollouts, checking the bounds at every step)
 * and the revision history cleanup.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "rollout.h"

static struct sim_intstr I(int64_t v)
{
    struct sim_intstr x = {.set = 1, .i = v};
    return x;
}

static struct sim_intstr S(const char *s)
{
    struct sim_intstr x = {.set = 1, .is_str = 1, .s = s};
    return x;
}

static void test_percent(void **state)
{
    int64_t v = -1;
    (void)state;
    assert_true(sim_intstr_percent("25%", &v));
    assert_int_equal(v, 25);
    assert_true(sim_intstr_percent("0%", &v));
    assert_int_equal(v, 0);
    assert_true(sim_intstr_percent("150%", &v));
    assert_int_equal(v, 150);
    assert_false(sim_intstr_percent("1", NULL));
    assert_false(sim_intstr_percent("%", NULL));
    assert_false(sim_intstr_percent("x%", NULL));
    assert_false(sim_intstr_percent("-5%", NULL));
    assert_false(sim_intstr_percent("", NULL));
    assert_false(sim_intstr_percent(NULL, NULL));
}

static void test_scaled_rounding(void **state)
{
    int64_t v;
    struct sim_intstr p25 = S("25%"), p10 = S("10%"), three = I(3), bad = S("1"), none = {0};
    (void)state;
    assert_int_equal(sim_intstr_scaled(&p25, 4, 1, &v), 0);
    assert_int_equal(v, 1);
    assert_int_equal(sim_intstr_scaled(&p25, 5, 1, &v), 0);
    assert_int_equal(v, 2);                      /* 1.25 up */
    assert_int_equal(sim_intstr_scaled(&p25, 5, 0, &v), 0);
    assert_int_equal(v, 1);                      /* 1.25 down */
    assert_int_equal(sim_intstr_scaled(&p10, 3, 1, &v), 0);
    assert_int_equal(v, 1);
    assert_int_equal(sim_intstr_scaled(&p10, 3, 0, &v), 0);
    assert_int_equal(v, 0);
    assert_int_equal(sim_intstr_scaled(&three, 100, 0, &v), 0);
    assert_int_equal(v, 3);                      /* an int is not scaled */
    assert_int_equal(sim_intstr_scaled(&bad, 4, 1, &v), -1);
    assert_int_equal(sim_intstr_scaled(&none, 4, 1, &v), 0);
    assert_int_equal(v, 0);
}

static void test_gostring(void **state)
{
    char buf[200];
    struct sim_intstr zero = I(0), pct = S("0%"), q = S("a\"b");
    (void)state;
    sim_intstr_gostring(&zero, buf, sizeof(buf));
    assert_string_equal(buf, "intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}");
    sim_intstr_gostring(&pct, buf, sizeof(buf));
    assert_string_equal(buf, "intstr.IntOrString{Type:1, IntVal:0, StrVal:\"0%\"}");
    sim_intstr_gostring(&q, buf, sizeof(buf));
    assert_string_equal(buf, "intstr.IntOrString{Type:1, IntVal:0, StrVal:\"a\\\"b\"}");
}

static void test_fenceposts(void **state)
{
    int64_t s, u;
    struct sim_intstr p25 = S("25%"), p0 = S("0%"), zero = I(0), one = I(1), ten = I(10);
    (void)state;
    sim_rollout_fenceposts(&p25, &p25, 1, &s, &u);      /* the defaults on 1 replica */
    assert_int_equal(s, 1);
    assert_int_equal(u, 0);
    sim_rollout_fenceposts(&p25, &p25, 10, &s, &u);
    assert_int_equal(s, 3);
    assert_int_equal(u, 2);
    sim_rollout_fenceposts(&one, &zero, 4, &s, &u);
    assert_int_equal(s, 1);
    assert_int_equal(u, 0);
    sim_rollout_fenceposts(&p0, &p25, 3, &s, &u);       /* both round to 0: unavailable 1 */
    assert_int_equal(s, 0);
    assert_int_equal(u, 1);
    sim_rollout_fenceposts(&zero, &ten, 3, &s, &u);     /* capped at replicas */
    assert_int_equal(u, 3);
    sim_rollout_fenceposts(&one, &one, 0, &s, &u);      /* no replicas: none unavailable */
    assert_int_equal(u, 0);
}

static void test_new_replicas(void **state)
{
    (void)state;
    assert_int_equal(sim_rollout_new_replicas(4, 1, 0, 0), 4);       /* a first rollout */
    assert_int_equal(sim_rollout_new_replicas(4, 1, 4, 0), 1);       /* 4 old: one above */
    assert_int_equal(sim_rollout_new_replicas(4, 1, 5, 1), 1);       /* at 5: wait */
    assert_int_equal(sim_rollout_new_replicas(4, 1, 4, 1), 2);
    assert_int_equal(sim_rollout_new_replicas(4, 3, 4, 0), 3);
    assert_int_equal(sim_rollout_new_replicas(4, 10, 4, 0), 4);      /* never above replicas */
    assert_int_equal(sim_rollout_new_replicas(4, 0, 4, 0), 0);
    assert_int_equal(sim_rollout_new_replicas(2, 1, 6, 6), 2);       /* scaled down */
}

static void test_scale_down(void **state)
{
    (void)state;
    /* A new pod available: one old one may go. */
    struct sim_rs_count a[1] = {{.spec = 4, .available = 4}};
    assert_int_equal(sim_rollout_scale_down(a, 1, 4, 0, 1, 1), 1);
    assert_int_equal(a[0].want, 3);
    /* Not yet available: nothing. */
    assert_int_equal(sim_rollout_scale_down(a, 1, 4, 0, 1, 0), 0);
    assert_int_equal(a[0].want, 4);
    /* Unavailable old replicas go first, and the available ones stay
     * while only replicas - maxUnavailable are available. */
    struct sim_rs_count b[2] = {{.spec = 2, .available = 0}, {.spec = 3, .available = 3}};
    assert_int_equal(sim_rollout_scale_down(b, 2, 4, 1, 2, 0), 2);
    assert_int_equal(b[0].want, 0);
    assert_int_equal(b[1].want, 3);
    /* Oldest first. */
    struct sim_rs_count c[2] = {{.spec = 2, .available = 2}, {.spec = 4, .available = 4}};
    assert_int_equal(sim_rollout_scale_down(c, 2, 6, 2, 0, 0), 2);
    assert_int_equal(c[0].want, 0);
    assert_int_equal(c[1].want, 4);
    /* Nothing old left. */
    struct sim_rs_count d[1] = {{.spec = 0}};
    assert_int_equal(sim_rollout_scale_down(d, 1, 4, 1, 4, 4), 0);
}

/* A whole rollout from one old ReplicaSet of `replicas` to a new one: each
 * round, the controller acts (scale up, else scale down, as rolling.go),
 * the ReplicaSet controller makes pods, and then every new pod becomes
 * available.  Checks the bounds after every round. */
static void run_rollout(int64_t replicas, const char *surge, const char *unavail)
{
    struct sim_intstr ms = S(surge), mu = S(unavail);
    int64_t max_surge, max_unavail, new_spec = 0, new_avail = 0, rounds = 0;
    struct sim_rs_count old = {.spec = replicas, .available = replicas};

    sim_rollout_fenceposts(&ms, &mu, replicas, &max_surge, &max_unavail);
    new_spec = sim_rollout_new_replicas(replicas, max_surge, old.spec, 0);
    while ((new_avail < replicas || old.spec > 0) && rounds++ < 100) {
        int64_t want = sim_rollout_new_replicas(replicas, max_surge, old.spec + new_spec, new_spec);
        if (want != new_spec) {
            new_spec = want;
        } else {
            sim_rollout_scale_down(&old, 1, replicas, max_unavail, new_spec, new_avail);
            old.spec = old.want;
            old.available = old.spec;       /* the old pods that stay are available */
        }
        /* Pods exist now: never above replicas + maxSurge, never fewer
         * available than replicas - maxUnavailable. */
        assert_true(old.spec + new_spec <= replicas + max_surge);
        assert_true(old.available + new_avail >= replicas - max_unavail);
        new_avail = new_spec;               /* then they become available */
    }
    assert_int_equal(new_spec, replicas);
    assert_int_equal(old.spec, 0);
    assert_true(rounds < 100);
}

static void test_whole_rollouts(void **state)
{
    (void)state;
    run_rollout(4, "25%", "0%");
    run_rollout(4, "0%", "25%");
    run_rollout(10, "25%", "25%");
    run_rollout(1, "25%", "25%");
    run_rollout(7, "100%", "0%");
    run_rollout(3, "0%", "100%");
}

static void test_cleanup(void **state)
{
    (void)state;
    struct sim_rs_count a[5] = {{.revision = 3}, {.revision = 1}, {.revision = 4}, {.revision = 2}, {.revision = 5}};
    assert_int_equal(sim_rollout_cleanup(a, 5, 2), 3);
    assert_int_equal(a[0].remove + a[1].remove + a[3].remove, 3);      /* revisions 1, 2, 3 */
    assert_int_equal(a[2].remove + a[4].remove, 0);
    /* One with replicas is skipped but counted: fewer go. */
    struct sim_rs_count b[4] = {{.revision = 1, .spec = 1}, {.revision = 2}, {.revision = 3}, {.revision = 4}};
    assert_int_equal(sim_rollout_cleanup(b, 4, 1), 2);
    assert_int_equal(b[0].remove, 0);
    assert_int_equal(b[1].remove + b[2].remove, 2);
    assert_int_equal(b[3].remove, 0);
    /* A ReplicaSet with pods left stays too. */
    struct sim_rs_count c[2] = {{.revision = 1, .pods = 1}, {.revision = 2}};
    assert_int_equal(sim_rollout_cleanup(c, 2, 0), 1);
    assert_int_equal(c[0].remove, 0);
    assert_int_equal(c[1].remove, 1);
    /* Those being deleted do not count. */
    struct sim_rs_count d[3] = {{.revision = 1, .deleting = 1}, {.revision = 2}, {.revision = 3}};
    assert_int_equal(sim_rollout_cleanup(d, 3, 2), 0);
    assert_int_equal(sim_rollout_cleanup(d, 3, 1), 1);
    assert_int_equal(d[0].remove, 0);
    assert_int_equal(d[1].remove, 1);
    /* Within the limit, or no old ones. */
    assert_int_equal(sim_rollout_cleanup(a, 5, 10), 0);
    assert_int_equal(sim_rollout_cleanup(NULL, 0, 0), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_percent),
        cmocka_unit_test(test_scaled_rounding),
        cmocka_unit_test(test_gostring),
        cmocka_unit_test(test_fenceposts),
        cmocka_unit_test(test_new_replicas),
        cmocka_unit_test(test_scale_down),
        cmocka_unit_test(test_whole_rollouts),
        cmocka_unit_test(test_cleanup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
