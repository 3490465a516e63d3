/*
 * detail_records.h - what the tenant detail shows beyond the model: the
 * namespace's recent events, its quota used/hard, the isolation result.
 *
 * Only the one tenant on screen has these (detail_fetch.c gets them while
 * its detail is shown), boiled down from the API's JSON to a few fixed
 * size records, so the console stays compact with 1,000 tenants.
 *
 * Pure: JSON in, records out; tests/unit/tui/test_detail_records.c.
 */
#ifndef TUI_DETAIL_RECORDS_H
#define TUI_DETAIL_RECORDS_H

#include <stddef.h>

#include <json-c/json.h>

#include "cluster/isolation.h"

#define DETAIL_EVENTS 12
#define DETAIL_QUOTA 16

struct detail_event {
    char when[32];        /* lastTimestamp, else eventTime, else creationTimestamp */
    char type[16];        /* Normal, Warning */
    char reason[48];
    char object[96];      /* "Pod/odoo-7d9f" */
    char message[256];
    unsigned count;
};

struct detail_quota {
    char name[48];        /* "cpu" for requests.cpu, "memory", "storage", else the key */
    char used[24], hard[24];
};

struct detail_info {
    int have_events, have_quota, have_isolation;   /* fetched at least once */
    struct detail_event events[DETAIL_EVENTS];     /* newest first */
    int nevents;
    struct detail_quota quota[DETAIL_QUOTA];       /* cpu, memory, storage, pods, the rest by name */
    int nquota;
    size_t iso_checks, iso_failed;
    char iso_first_failed[160];    /* "odoo -> own postgresql (5432/TCP): denied" */
    char error[256];               /* why something could not be fetched, "" when fine */
};

/* The newest DETAIL_EVENTS events of an EventList (or array) into d. */
void detail_events_from(struct json_object *list, struct detail_info *d);
/* used/hard of every resource of a ResourceQuotaList (or array); a
 * resource in several quotas shows the first. */
void detail_quota_from(struct json_object *list, struct detail_info *d);
/* The summary of an isolation report. */
void detail_isolation_from(const struct isolation_report *r, struct detail_info *d);

/* "cpu 250m/1  memory 768Mi/2Gi  ..." into buf; returns buf. */
char *detail_quota_line(const struct detail_info *d, char *buf, size_t len);
/* "23 checks, all pass" or "2 of 23 checks FAIL: ..." into buf; returns buf. */
char *detail_isolation_line(const struct detail_info *d, char *buf, size_t len);

#endif
