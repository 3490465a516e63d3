/*
 * util.c - small helpers the simulator modules share: wall-clock time in
 * milliseconds and RFC 3339, the seeded PRNG (splitmix64, so --seed makes a
 * run reproducible), uids and generateName suffixes, dotted-path lookups in
 * json-c trees, and kubectl's human-readable durations.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "sim.h"

int64_t sim_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void sim_format_time(int64_t ms, char *buf, size_t len)
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int64_t sim_parse_time(const char *s)
{
    struct tm tm = {0};
    if (!s || !strptime(s, "%Y-%m-%dT%H:%M:%S", &tm))
        return -1;
    return (int64_t)timegm(&tm) * 1000;
}

uint64_t sim_rand(struct sim *s)
{
    uint64_t z = (s->rng += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

void sim_uuid(struct sim *s, char *buf)
{
    uint64_t a = sim_rand(s), b = sim_rand(s);
    snprintf(buf, 37, "%08x-%04x-4%03x-%04x-%012llx",
             (unsigned)(a >> 32), (unsigned)((a >> 16) & 0xffff), (unsigned)(a & 0xfff),
             (unsigned)(0x8000 | ((b >> 48) & 0x3fff)),
             (unsigned long long)(b & 0xffffffffffffULL));
}

void sim_rand_suffix(struct sim *s, char *buf, size_t n)
{
    /* The alphabet of k8s.io/apimachinery/pkg/util/rand: no vowels, no
     * confusable characters. */
    static const char alphabet[] = "bcdfghjklmnpqrstvwxz2456789";
    for (size_t i = 0; i < n; i++)
        buf[i] = alphabet[sim_rand(s) % (sizeof(alphabet) - 1)];
    buf[n] = '\0';
}

json_object *sim_json_path(json_object *o, const char *dotted)
{
    char key[256];
    const char *p = dotted;

    while (o && *p) {
        const char *dot = strchr(p, '.');
        size_t n = dot ? (size_t)(dot - p) : strlen(p);
        if (n >= sizeof(key) || !json_object_is_type(o, json_type_object))
            return NULL;
        memcpy(key, p, n);
        key[n] = '\0';
        if (!json_object_object_get_ex(o, key, &o))
            return NULL;
        p += n + (dot ? 1 : 0);
    }
    return o;
}

const char *sim_json_str(json_object *o, const char *dotted)
{
    json_object *v = sim_json_path(o, dotted);
    return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

const char *sim_json_member_str(json_object *o, const char *key)
{
    json_object *v = NULL;
    if (!o || !json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
        return NULL;
    return json_object_get_string(v);
}

json_object *sim_json_obj(json_object *o, const char *key)
{
    json_object *v;
    if (json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_object))
        return v;
    v = json_object_new_object();
    json_object_object_add(o, key, v);
    return v;
}

void sim_json_set_str(json_object *o, const char *key, const char *val)
{
    json_object_object_add(o, key, json_object_new_string(val));
}

void sim_human_duration(int64_t ms, char *buf, size_t len)
{
    long long sec = ms / 1000;
    if (sec < 0)
        sec = 0;
    long long min = sec / 60, hours = sec / 3600, days = hours / 24;
    if (sec < 120)
        snprintf(buf, len, "%llds", sec);
    else if (min < 10)
        sec % 60 ? snprintf(buf, len, "%lldm%llds", min, sec % 60) : snprintf(buf, len, "%lldm", min);
    else if (min < 180)
        snprintf(buf, len, "%lldm", min);
    else if (hours < 8)
        min % 60 ? snprintf(buf, len, "%lldh%lldm", hours, min % 60) : snprintf(buf, len, "%lldh", hours);
    else if (hours < 48)
        snprintf(buf, len, "%lldh", hours);
    else if (hours < 24 * 8)
        hours % 24 ? snprintf(buf, len, "%lldd%lldh", days, hours % 24) : snprintf(buf, len, "%lldd", days);
    else if (days < 365 * 2)
        snprintf(buf, len, "%lldd", days);
    else
        snprintf(buf, len, "%lldy", days / 365);
}
