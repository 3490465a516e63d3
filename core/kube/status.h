/*
 * status.h - turn an API server failure into a struct os_error.
 *
 * A failed call usually carries a Status object; its code, reason, message
 * and details (name, group, kind, causes, retryAfterSeconds) are copied into
 * the error.  401, 403, 429 and 5xx may come from a proxy or a filter with a
 * plain-text body instead: those still give a one-line message with the
 * HTTP code and the reason the code implies, so callers can always branch on
 * err->reason.  The code is always OS_ERR_API.
 */
#ifndef KUBE_STATUS_H
#define KUBE_STATUS_H

#include <stddef.h>

#include <json-c/json.h>

#include "error.h"

/* body may be NULL; retry_after is the Retry-After header value or NULL.
 * Returns OS_ERR_API. */
int kube_status_error(long http_status, const char *body, size_t len,
                      const char *retry_after, struct os_error *err);

/* A decoded Status object (for example a watch ERROR event).  Returns
 * OS_ERR_API, or OS_ERR_PARSE when status is not a Status. */
int kube_status_from_json(struct json_object *status, struct os_error *err);

/* The reason the API server uses for an HTTP code ("NotFound"), or "". */
const char *kube_status_reason_for_code(long http_status);

#endif
