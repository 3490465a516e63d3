/*
 * detail_fetch.h - get the events, quota and isolation result of the one
 * tenant whose detail is shown, and keep them fresh.
 *
 * A round is a batch of GETs on the console's kube client, all in flight
 * at once: the namespace's events and ResourceQuotas every round (every
 * DETAIL_REFRESH_MS), and every DETAIL_ISOLATION_EVERY rounds also what
 * the NetworkPolicy evaluator needs (core/cluster/isolation.h): the
 * policies, pods and Namespace objects of the tenant's, the ingress
 * controller's and the DNS namespaces.  Pods of other namespaces are not
 * fetched: the evaluator synthesizes another tenant, which is what
 * `odoo-saas tenant check-isolation` checks too.  When the round ends, the
 * JSON is boiled down to struct detail_info and dropped.
 */
#ifndef TUI_DETAIL_FETCH_H
#define TUI_DETAIL_FETCH_H

#include "detail_records.h"
#include "kube/kube.h"
#include "os_config.h"

#define DETAIL_REFRESH_MS 3000
#define DETAIL_ISOLATION_EVERY 5
#define DETAIL_CALLS 11

struct detail_fetch;

/* Start fetching for tenant id (the first round starts at once).  client
 * and cfg are borrowed and must outlive it; *dirty is set when info
 * changes.  NULL when out of memory.  Free with detail_fetch_free(). */
struct detail_fetch *detail_fetch_new(struct kube_client *client, const struct os_config *cfg,
                                      const char *id, int *dirty);
/* Cancels a round in flight. */
void detail_fetch_free(struct detail_fetch *f);
/* Start a round when one is due (call it from the loop). */
void detail_fetch_tick(struct detail_fetch *f);
/* The tenant it fetches for, and what it has so far (borrowed). */
const char *detail_fetch_tenant(const struct detail_fetch *f);
const struct detail_info *detail_fetch_info(const struct detail_fetch *f);

#endif
