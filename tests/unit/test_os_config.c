/*
 * test_os_config.c - configuration defaults, overrides and every refusal.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "os_config.h"

static struct os_config *load(const char *text)
{
    struct os_config *c = NULL;
    struct os_error err;
    if (os_config_load_text("test.yaml", text, text ? strlen(text) : 0, &c, &err) < 0)
        fail_msg("unexpected error: %s", err.message);
    return c;
}

static void refuse(const char *text, const char *msg)
{
    struct os_config *c = (struct os_config *)1;
    struct os_error err;
    assert_true(os_config_load_text("test.yaml", text, strlen(text), &c, &err) < 0);
    assert_null(c);
    if (!strstr(err.message, msg))
        fail_msg("message \"%s\" lacks \"%s\"", err.message, msg);
}

static void test_defaults(void **state)
{
    struct os_config *c = load(NULL);
    char names[64];

    assert_string_equal(c->source, "defaults");
    assert_string_equal(c->storage_class, "microk8s-hostpath");
    assert_string_equal(c->ingress_namespace, "traefik");
    assert_int_equal(c->ingress_mode, OS_INGRESS_ROUTE);
    assert_int_equal(c->odoo_uid, 101);
    assert_int_equal(c->postgres_uid, 999);
    os_config_tier_names(c, names, sizeof(names));
    assert_string_equal(names, "basic, standard, premium");
    assert_int_equal(os_config_tier(c, "basic")->cpu_m, 2000);
    assert_false(os_config_tier(c, "basic")->allow_egress);
    assert_true(os_config_tier(c, "premium")->separate_nodes);
    assert_null(os_config_tier(c, "gold"));
    assert_null(os_config_tier(c, NULL));
    os_config_free(c);
}

static void test_overrides(void **state)
{
    struct os_config *c = load(
        "base_domain: apps.example.com\n"
        "odoo: {image: \"odoo:16.0\", uid: 1000}\n"
        "ingress:\n  mode: ingress\n  namespace: ingress\n  pod_label: app.kubernetes.io/name=traefik\n"
        "trial_days: 30\n"
        "tiers:\n"
        "  small: {cpu: 500m, memory: 1Gi, storage: 5Gi, workers: 0}\n"
        "  big: {cpu: 4, memory: \"8Gi\", storage: 100Gi, egress: true}\n");

    assert_string_equal(c->source, "test.yaml");
    assert_string_equal(c->base_domain, "apps.example.com");
    assert_string_equal(c->odoo_image, "odoo:16.0");
    assert_int_equal(c->odoo_uid, 1000);
    assert_int_equal(c->odoo_gid, 101);
    assert_int_equal(c->ingress_mode, OS_INGRESS_PLAIN);
    assert_string_equal(os_ingress_mode_name(c->ingress_mode), "ingress");
    assert_string_equal(c->ingress_namespace, "ingress");
    assert_int_equal(c->trial_days, 30);
    assert_int_equal(c->ntiers, 2);
    assert_null(os_config_tier(c, "basic"));   /* tiers replace the defaults */
    assert_int_equal(os_config_tier(c, "small")->cpu_m, 500);
    assert_int_equal(os_config_tier(c, "small")->workers, 0);
    assert_int_equal(os_config_tier(c, "big")->memory, 8LL << 30);
    assert_int_equal(os_config_tier(c, "big")->workers, 2);
    assert_true(os_config_tier(c, "big")->allow_egress);
    os_config_free(c);
}

static void test_refusals(void **state)
{
    refuse("base_domain: Bad_Domain\n", "base_domain must be a DNS name");
    refuse("base_domian: x.com\n", "unknown key base_domian");
    refuse("odoo: {imag: x}\n", "unknown key odoo.imag");
    refuse("odoo: {image: \"odoo 17\"}\n", "odoo.image must be an image reference");
    refuse("odoo: {uid: 0}\n", "odoo.uid must be a whole number from 1");
    refuse("odoo: {uid: \"101\"}\n", "odoo.uid must be a whole number");
    refuse("odoo: x\n", "odoo must be a mapping");
    refuse("ingress: {mode: nginx}\n", "ingress.mode must be one of ingressroute, ingress, path");
    refuse("ingress: {pod_label: traefik}\n", "ingress.pod_label must be key=value");
    refuse("trial_days: -1\n", "trial_days must be a whole number of days");
    refuse("tiers: {}\n", "tiers must be a mapping of at least one tier");
    refuse("tiers: {Gold: {cpu: 1, memory: 1Gi, storage: 1Gi}}\n", "tier name \"Gold\"");
    refuse("tiers: {a: {cpu: 1, memory: 1Gi}}\n", "tiers.a needs cpu, memory and storage");
    refuse("tiers: {a: {cpu: 10m, memory: 1Gi, storage: 1Gi}}\n", "tiers.a.cpu must be a CPU quantity");
    refuse("tiers: {a: {cpu: 1, memory: 1Kb, storage: 1Gi}}\n", "tiers.a.memory must be a memory quantity");
    refuse("tiers: {a: {cpu: 1, memory: 1Gi, storage: 1Gi, ram: 2}}\n", "unknown key tiers.a.ram");
    refuse("tiers: {a: {cpu: 1, memory: 1Gi, storage: 1Gi, egress: yes}}\n", "tiers.a.egress must be true or false");
    refuse("- a\n- b\n", "the top level must be a mapping");
    refuse("a: [\n", "config test.yaml: line 2");
}

static void test_deploy(void **state)
{
    struct os_config *c = load(NULL);

    assert_int_equal(c->deploy.nhosts, 0);
    assert_null(c->deploy.microk8s_channel);   /* the engine's default applies */
    assert_int_equal(c->deploy.connect_timeout, 0);
    os_config_free(c);
    c = load("deploy:\n"
             "  hosts: [ubuntu@a.example.com, \"root@[::1]:2222\", ops@10.0.0.5:22]\n"
             "  identity: /home/ops/.ssh/id_ed25519\n"
             "  known_hosts: /home/ops/.ssh/known_hosts\n"
             "  microk8s_channel: 1.32/stable\n"
             "  connect_timeout: 10\n");
    assert_int_equal(c->deploy.nhosts, 3);
    assert_string_equal(c->deploy.hosts[1], "root@[::1]:2222");
    assert_string_equal(c->deploy.identity, "/home/ops/.ssh/id_ed25519");
    assert_string_equal(c->deploy.known_hosts, "/home/ops/.ssh/known_hosts");
    assert_string_equal(c->deploy.microk8s_channel, "1.32/stable");
    assert_int_equal(c->deploy.connect_timeout, 10);
    os_config_free(c);
    refuse("deploy: {hosts: [server]}\n", "deploy.hosts[0] must be USER@HOST[:PORT]");
    refuse("deploy: {hosts: [a@b, a@b:99999]}\n", "deploy.hosts[1] must be USER@HOST[:PORT]");
    refuse("deploy: {hosts: a@b}\n", "deploy.hosts must be a list");
    refuse("deploy: {hosts: [1]}\n", "deploy.hosts[0]");
    refuse("deploy: {microk8s_channel: \"1.33'; rm -rf /\"}\n", "deploy.microk8s_channel must be a snap channel");
    refuse("deploy: {microk8s_channel: \"\"}\n", "deploy.microk8s_channel must be");
    refuse("deploy: {remote_dir: \"a'b\"}\n", "deploy.remote_dir must be a path without quotes");
    refuse("deploy: {connect_timeout: 0}\n", "deploy.connect_timeout must be a whole number from 1");
    refuse("deploy: {channel: 1.33/stable}\n", "unknown key deploy.channel");
    refuse("deploy: [a@b]\n", "deploy must be a mapping");
}

static void test_missing_file(void **state)
{
    struct os_config *c = NULL;
    struct os_error err;
    assert_int_equal(os_config_load("/nonexistent/odoo-saas.yaml", &c, &err), OS_ERR_IO);
    assert_non_null(strstr(err.message, "config /nonexistent/odoo-saas.yaml: No such file"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_overrides),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_deploy),
        cmocka_unit_test(test_missing_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
