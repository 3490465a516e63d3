/*
 * routes.c - the route table and its matcher.
 *
 * Patterns are literal paths where "{}" stands for one non-empty segment
 * (no '/').  The table is short, so matching is a linear scan.
 */
#include "config.h"

#include <string.h>

#include "routes.h"

static const struct api_route routes[] = {
    {"POST", "/api/auth/register", "auth_register", api_h_register},
    {"POST", "/api/auth/login", "auth_login", api_h_login},
    {"GET", "/api/me", "me", api_h_me},
    {"GET", "/api/tiers", "tiers", api_h_tiers},
    {"GET", "/api/subdomains/{}", "subdomain", api_h_subdomain},
    {"POST", "/api/tenants", "tenant_create", api_h_tenant_create},
    {"GET", "/api/tenants", "tenant_list", api_h_tenant_list},
    {"GET", "/api/tenants/{}", "tenant_get", api_h_tenant_get},
    {"DELETE", "/api/tenants/{}", "tenant_delete", api_h_tenant_delete},
    {"GET", "/api/admin/tenants", "admin_tenants", api_h_admin_list},
    {"POST", "/api/admin/tenants/{}/suspend", "admin_suspend", api_h_admin_suspend},
    {"POST", "/api/admin/tenants/{}/resume", "admin_resume", api_h_admin_resume},
    {"GET", "/api/openapi.json", "openapi", api_h_openapi},
    {"GET", "/healthz", "healthz", api_h_healthz},
    {"GET", "/readyz", "readyz", api_h_readyz},
    {"GET", "/metrics", "metrics", api_h_metrics},
};

const struct api_route *api_routes(size_t *n)
{
    *n = sizeof(routes) / sizeof(routes[0]);
    return routes;
}

/* 1 when path fits pattern; the {} segment into param. */
static int match(const char *pattern, const char *path, char *param, size_t len)
{
    const char *hole = strstr(pattern, "{}");
    size_t pre, seg;

    if (!hole)
        return !strcmp(pattern, path);
    pre = (size_t)(hole - pattern);
    if (strncmp(pattern, path, pre))
        return 0;
    seg = strcspn(path + pre, "/");
    if (seg == 0 || seg >= len || strcmp(hole + 2, path + pre + seg))
        return 0;
    memcpy(param, path + pre, seg);
    param[seg] = '\0';
    return 1;
}

const struct api_route *api_route_match(const char *method, const char *path, char *param,
                                        size_t param_len, int *other_method)
{
    char scratch[128];

    *other_method = 0;
    param[0] = '\0';
    for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
        scratch[0] = '\0';
        if (!match(routes[i].pattern, path, scratch, sizeof(scratch) < param_len ? sizeof(scratch) : param_len))
            continue;
        if (!strcmp(routes[i].method, method) || (!strcmp(method, "HEAD") && !strcmp(routes[i].method, "GET"))) {
            memcpy(param, scratch, strlen(scratch) + 1);
            return &routes[i];
        }
        *other_method = 1;
    }
    return NULL;
}
