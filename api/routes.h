/*
 * routes.h - the table of the API's routes: method, path pattern, name
 * (for metrics and logs) and handler.  One place lists every endpoint.
 */
#ifndef API_ROUTES_H
#define API_ROUTES_H

#include <stddef.h>

#include "api.h"

struct api_route {
    const char *method;
    const char *pattern;        /* "/api/tenants/{}": {} is one path segment */
    const char *name;
    void (*fn)(struct api_request *r);
};

/* The route for method and path, with the {} segment copied into param;
 * NULL when none.  *other_method is set when the path exists under another
 * method (so the answer is 405, not 404). */
const struct api_route *api_route_match(const char *method, const char *path, char *param,
                                        size_t param_len, int *other_method);

/* All routes, for metrics: *n is set.  Static. */
const struct api_route *api_routes(size_t *n);

#endif
