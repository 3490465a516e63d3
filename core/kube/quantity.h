/*
 * quantity.h - Kubernetes resource.Quantity, parsed and formatted exactly.
 *
 * The grammar is apimachinery's (see K8S-CONTRACT.md section 7.2):
 * a signed decimal number, then a binary suffix (Ki..Ei), a decimal suffix
 * (n u m "" k M G T P E) or a decimal exponent (e3, E-3).  Values are kept
 * as int64 integers in a fixed unit chosen by the caller (millicores,
 * nanocores, bytes), never as floating point, and rounded up the way the
 * API server rounds for storage.  Overflow is an error, not a wrap.
 */
#ifndef KUBE_QUANTITY_H
#define KUBE_QUANTITY_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* Parse s and return its value times 10^scale, rounded up (towards +inf)
 * to an integer.  scale 0 gives whole units (bytes, pods), 3 gives milli
 * (millicores), 9 gives nano (nanocores).  Returns 0, or OS_ERR_INVALID
 * for text that is not a quantity and OS_ERR_LIMIT when the result does
 * not fit in int64.
 * Also OS_ERR_INVALID: s or out NULL, scale outside -18..18, or text longer
 * than 64 characters (no real quantity is that long).  On error *out is left
 * untouched.  Negative values round towards +inf too: "-1.5" at scale 0 is
 * -1.  (apimachinery rounds negatives away from zero, to -2; negative
 * requests and limits fail validation, so the difference rarely shows.) */
int kube_quantity_parse_scaled(const char *s, int scale, int64_t *out,
                               struct os_error *err);

/* Shorthands for the three scales the product uses. */
int kube_quantity_parse_milli(const char *s, int64_t *milli, struct os_error *err);
int kube_quantity_parse_nano(const char *s, int64_t *nano, struct os_error *err);
int kube_quantity_parse_int(const char *s, int64_t *units, struct os_error *err);

/* Canonical text, as the API server writes it, into buf (always
 * NUL-terminated when len > 0); returns the length it needed, like snprintf.
 *  - format_milli: decimal SI, 1500 -> "1500m", 2000 -> "2", 0 -> "0".
 *    Like the server, larger round values take k, M, G, T or P:
 *    2000000 -> "2k", 1500000 -> "1500".
 *  - format_bytes: binary SI when the value is a multiple of 1024
 *    (1610612736 -> "1536Mi", 1073741824 -> "1Gi"), else plain digits.
 *    (The server writes a binary quantity below 1024 in decimal SI, 1000 ->
 *    "1k"; plain "1000" parses to the same value.)
 * buf may be NULL when len is 0. */
size_t kube_quantity_format_milli(int64_t milli, char *buf, size_t len);
size_t kube_quantity_format_bytes(int64_t bytes, char *buf, size_t len);

/* Short text for people, at most 6 characters plus suffix, one decimal:
 * "1.5Gi", "512Mi", "980Ki", "12"; and cores: "250m", "1.5", "12".
 * The largest unit not above the value is used (bytes: 1, Ki..Ei; cores:
 * m, 1, k, M, G, T, P), the decimal is truncated, never rounded up
 * (1048575 -> "1023.9Ki", 1999 -> "1.9"), ".0" is dropped, 0 is "0" and a
 * negative value gets a "-" in front of the same digits.  Same buffer
 * contract as the formatters above.  The text parses back to a value no
 * further from zero than the input. */
size_t kube_quantity_human_bytes(int64_t bytes, char *buf, size_t len);
size_t kube_quantity_human_milli(int64_t milli, char *buf, size_t len);

#endif
