/*
 * openapi.c - the OpenAPI 3.1 description of the API, served at
 * /api/openapi.json.  Kept as one static text beside the route table
 * (routes.c); tests check that every route appears here.  docs/api.md is
 * the prose version.
 */
#include "config.h"

#include "api.h"

#define ERR_REF "{\"$ref\":\"#/components/responses/Error\"}"
#define JSON_BODY(schema) \
    "\"requestBody\":{\"required\":true,\"content\":{\"application/json\":{\"schema\":{\"$ref\":\"#/components/schemas/" schema "\"}}}}"
#define OK_JSON(code, desc, schema) \
    "\"" code "\":{\"description\":\"" desc "\",\"content\":{\"application/json\":{\"schema\":{\"$ref\":\"#/components/schemas/" schema "\"}}}}"
#define ID_PARAM "\"parameters\":[{\"name\":\"id\",\"in\":\"path\",\"required\":true,\"schema\":{\"type\":\"string\"}}]"
#define BEARER "\"security\":[{\"bearer\":[]}]"

static const char doc[] =
    "{\"openapi\":\"3.1.0\","
    "\"info\":{\"title\":\"odoo-saasd\",\"version\":\"" PACKAGE_VERSION "\","
    "\"description\":\"Sign up, log in, create and watch an Odoo instance. Errors are {\\\"error\\\":{\\\"code\\\",\\\"message\\\"}}.\"},"
    "\"paths\":{"
    "\"/api/auth/register\":{\"post\":{\"summary\":\"Create an account\"," JSON_BODY("Credentials") ","
    "\"responses\":{" OK_JSON("201", "Created", "Account") ",\"400\":" ERR_REF ",\"409\":" ERR_REF ",\"413\":" ERR_REF ",\"415\":" ERR_REF ",\"429\":" ERR_REF "}}},"
    "\"/api/auth/login\":{\"post\":{\"summary\":\"Log in for a bearer token\"," JSON_BODY("Credentials") ","
    "\"responses\":{" OK_JSON("200", "A token", "Token") ",\"400\":" ERR_REF ",\"401\":" ERR_REF ",\"429\":" ERR_REF "}}},"
    "\"/api/me\":{\"get\":{\"summary\":\"The account of the token\"," BEARER ","
    "\"responses\":{" OK_JSON("200", "The account", "Account") ",\"401\":" ERR_REF "}}},"
    "\"/api/tiers\":{\"get\":{\"summary\":\"The tiers a tenant can have\","
    "\"responses\":{\"200\":{\"description\":\"Tiers\",\"content\":{\"application/json\":{\"schema\":{\"type\":\"object\"}}}}}}},"
    "\"/api/subdomains/{name}\":{\"get\":{\"summary\":\"Is a subdomain valid and free?\","
    "\"parameters\":[{\"name\":\"name\",\"in\":\"path\",\"required\":true,\"schema\":{\"type\":\"string\"}}],"
    "\"responses\":{" OK_JSON("200", "The verdict", "Subdomain") "}}},"
    "\"/api/tenants\":{"
    "\"post\":{\"summary\":\"Create a tenant (asynchronous)\"," BEARER "," JSON_BODY("TenantCreate") ","
    "\"responses\":{" OK_JSON("202", "Accepted; poll links.self", "TenantCreated") ",\"400\":" ERR_REF ",\"401\":" ERR_REF ",\"403\":" ERR_REF ",\"409\":" ERR_REF ",\"429\":" ERR_REF "}},"
    "\"get\":{\"summary\":\"My tenants\"," BEARER ","
    "\"responses\":{" OK_JSON("200", "Tenants", "TenantList") ",\"401\":" ERR_REF "}}},"
    "\"/api/tenants/{id}\":{" ID_PARAM ","
    "\"get\":{\"summary\":\"One of my tenants\"," BEARER ","
    "\"responses\":{" OK_JSON("200", "The tenant", "Tenant") ",\"401\":" ERR_REF ",\"404\":" ERR_REF "}},"
    "\"delete\":{\"summary\":\"Delete one of my tenants\"," BEARER ","
    "\"responses\":{\"202\":{\"description\":\"Terminating\"},\"401\":" ERR_REF ",\"404\":" ERR_REF "}}},"
    "\"/api/admin/tenants\":{\"get\":{\"summary\":\"Every tenant (admin)\"," BEARER ","
    "\"responses\":{" OK_JSON("200", "Tenants", "TenantList") ",\"401\":" ERR_REF ",\"403\":" ERR_REF "}}},"
    "\"/api/admin/tenants/{id}/suspend\":{" ID_PARAM ",\"post\":{\"summary\":\"Suspend: Odoo scaled to 0 (admin)\"," BEARER ","
    "\"responses\":{\"200\":{\"description\":\"Suspended\"},\"401\":" ERR_REF ",\"403\":" ERR_REF ",\"404\":" ERR_REF ",\"409\":" ERR_REF "}}},"
    "\"/api/admin/tenants/{id}/resume\":{" ID_PARAM ",\"post\":{\"summary\":\"Resume a suspended tenant (admin)\"," BEARER ","
    "\"responses\":{\"200\":{\"description\":\"Resumed\"},\"401\":" ERR_REF ",\"403\":" ERR_REF ",\"404\":" ERR_REF "}}},"
    "\"/api/openapi.json\":{\"get\":{\"summary\":\"This document\",\"responses\":{\"200\":{\"description\":\"OpenAPI 3.1\"}}}},"
    "\"/healthz\":{\"get\":{\"summary\":\"The process answers\",\"responses\":{\"200\":{\"description\":\"ok\"}}}},"
    "\"/readyz\":{\"get\":{\"summary\":\"The cluster is reachable and the model synced\","
    "\"responses\":{\"200\":{\"description\":\"ready\"},\"503\":{\"description\":\"not ready\"}}}},"
    "\"/metrics\":{\"get\":{\"summary\":\"Prometheus metrics\",\"responses\":{\"200\":{\"description\":\"text/plain exposition\"}}}}"
    "},"
    "\"components\":{"
    "\"securitySchemes\":{\"bearer\":{\"type\":\"http\",\"scheme\":\"bearer\",\"bearerFormat\":\"JWT\"}},"
    "\"responses\":{\"Error\":{\"description\":\"An error\",\"content\":{\"application/json\":{\"schema\":{\"$ref\":\"#/components/schemas/Error\"}}}}},"
    "\"schemas\":{"
    "\"Error\":{\"type\":\"object\",\"required\":[\"error\"],\"properties\":{\"error\":{\"type\":\"object\",\"required\":[\"code\",\"message\"],"
    "\"properties\":{\"code\":{\"type\":\"string\"},\"message\":{\"type\":\"string\"}}}}},"
    "\"Credentials\":{\"type\":\"object\",\"required\":[\"email\",\"password\"],\"additionalProperties\":false,"
    "\"properties\":{\"email\":{\"type\":\"string\",\"maxLength\":254},\"password\":{\"type\":\"string\",\"minLength\":8,\"maxLength\":1024}}},"
    "\"Account\":{\"type\":\"object\",\"properties\":{\"email\":{\"type\":\"string\"},\"admin\":{\"type\":\"boolean\"},\"created_at\":{\"type\":\"string\",\"format\":\"date-time\"}}},"
    "\"Token\":{\"type\":\"object\",\"properties\":{\"access_token\":{\"type\":\"string\"},\"token_type\":{\"const\":\"Bearer\"},\"expires_in\":{\"type\":\"integer\"}}},"
    "\"Subdomain\":{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"},\"valid\":{\"type\":\"boolean\"},\"available\":{\"type\":\"boolean\"},\"reason\":{\"type\":\"string\"}}},"
    "\"TenantCreate\":{\"type\":\"object\",\"required\":[\"subdomain\",\"tier\"],\"additionalProperties\":false,"
    "\"properties\":{\"subdomain\":{\"type\":\"string\",\"pattern\":\"^[a-z][a-z0-9-]{1,38}[a-z0-9]$\"},\"tier\":{\"type\":\"string\"}}},"
    "\"TenantCreated\":{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"string\"},\"status\":{\"type\":\"string\"},\"url\":{\"type\":\"string\"},"
    "\"links\":{\"type\":\"object\",\"properties\":{\"self\":{\"type\":\"string\"}}}}},"
    "\"Tenant\":{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"string\"},\"subdomain\":{\"type\":\"string\"},\"tier\":{\"type\":\"string\"},"
    "\"phase\":{\"enum\":[\"Provisioning\",\"Ready\",\"Degraded\",\"Suspended\",\"Terminating\",\"Failed\"]},"
    "\"step\":{\"type\":[\"string\",\"null\"]},\"reason\":{\"type\":[\"string\",\"null\"]},\"url\":{\"type\":[\"string\",\"null\"]},"
    "\"created_at\":{\"type\":[\"string\",\"null\"]},\"trial_expires_at\":{\"type\":[\"string\",\"null\"]},"
    "\"owner\":{\"type\":\"string\",\"description\":\"admin views only\"},"
    "\"links\":{\"type\":\"object\",\"properties\":{\"self\":{\"type\":\"string\"}}}}},"
    "\"TenantList\":{\"type\":\"object\",\"properties\":{\"tenants\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/components/schemas/Tenant\"}}}}"
    "}}}";

const char *api_openapi_json(void)
{
    return doc;
}
