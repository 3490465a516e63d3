/*
 * ratelimit.c - token buckets keyed by a string, in a fixed-size table.
 *
 * Each key (hashed with a per-table random SipHash key, so a client cannot
 * aim collisions) owns a bucket of at most burst tokens that refills at
 * rate tokens per second.  The table is open-addressed with a short probe
 * window; when every slot in the window is taken, the bucket with the most
 * tokens after refilling is reused: a full bucket acts exactly like a new
 * one, so only keys that are really being limited are ever remembered.
 * Memory is fixed at creation.  Pure: the caller passes the time.  Not
 * thread-safe: the caller serialises calls.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "auth.h"

#define PROBES 8

struct bucket {
    uint64_t hash;      /* 0: never used */
    double tokens;
    double at;          /* when tokens was last computed */
};

struct auth_ratelimit {
    double rate, burst;
    size_t capacity;
    unsigned char key[crypto_shorthash_KEYBYTES];
    struct bucket slots[];
};

struct auth_ratelimit *auth_ratelimit_new(double rate, double burst, size_t capacity)
{
    struct auth_ratelimit *rl;

    if (rate <= 0 || burst < 1 || capacity < PROBES || sodium_init() < 0)
        return NULL;
    rl = calloc(1, sizeof(*rl) + capacity * sizeof(rl->slots[0]));
    if (!rl)
        return NULL;
    rl->rate = rate;
    rl->burst = burst;
    rl->capacity = capacity;
    crypto_shorthash_keygen(rl->key);
    return rl;
}

void auth_ratelimit_free(struct auth_ratelimit *rl)
{
    free(rl);
}

static double refilled(const struct auth_ratelimit *rl, const struct bucket *b, double now)
{
    double t = b->tokens + (now > b->at ? (now - b->at) * rl->rate : 0);
    return t > rl->burst ? rl->burst : t;
}

static struct bucket *find(struct auth_ratelimit *rl, uint64_t h, double now)
{
    struct bucket *victim = NULL;
    double most = -1;

    for (size_t i = 0; i < PROBES; i++) {
        struct bucket *b = &rl->slots[(h + i) % rl->capacity];
        double t;
        if (b->hash == h)
            return b;
        t = b->hash ? refilled(rl, b, now) : rl->burst + 1;
        if (t > most) {
            most = t;
            victim = b;
        }
    }
    *victim = (struct bucket){.hash = h, .tokens = rl->burst, .at = now};
    return victim;
}

int auth_ratelimit_take(struct auth_ratelimit *rl, const char *key, double now,
                        int *retry_after)
{
    unsigned char out[crypto_shorthash_BYTES];
    struct bucket *b;
    uint64_t h;

    crypto_shorthash(out, (const unsigned char *)key, strlen(key), rl->key);
    memcpy(&h, out, sizeof(h));
    if (!h)
        h = 1;
    b = find(rl, h, now);
    b->tokens = refilled(rl, b, now);
    b->at = now > b->at ? now : b->at;
    if (b->tokens >= 1) {
        b->tokens -= 1;
        return 1;
    }
    if (retry_after) {
        double wait = ceil((1 - b->tokens) / rl->rate);
        *retry_after = wait < 1 ? 1 : (int)wait;
    }
    return 0;
}
