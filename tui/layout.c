/*
 * layout.c - pure layout and formatting for the console (see layout.h).
 *
 * No curses here: every function maps numbers and strings to text or cell
 * counts, so tests/unit/tui/test_layout.c checks them directly.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "layout.h"

int layout_utf8_decode(const char *str, int *cp)
{
    const unsigned char *s = (const unsigned char *)str;
    int n = *s < 0x80 ? 1 : (*s & 0xe0) == 0xc0 ? 2 : (*s & 0xf0) == 0xe0 ? 3 : (*s & 0xf8) == 0xf0 ? 4 : 1;
    int v = n == 1 ? *s : *s & (0x7f >> n);

    for (int i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80) {
            *cp = *s;
            return 1;
        }
        v = v << 6 | (s[i] & 0x3f);
    }
    *cp = v;
    return n;
}

static int utf8_len(const unsigned char *s)
{
    int cp;
    return layout_utf8_decode((const char *)s, &cp);
}

int layout_list_has(const char *list, const char *item)
{
    size_t n = strlen(item);

    if (!n)
        return 0;
    for (const char *p = list; (p = strstr(p, item)); p += n)
        if ((p == list || p[-1] == ',') && (p[n] == ',' || !p[n]))
            return 1;
    return 0;
}

int layout_width(const char *s)
{
    int w = 0;
    for (const unsigned char *p = (const unsigned char *)s; p && *p; p += utf8_len(p))
        w++;
    return w;
}

const char *layout_skip(const char *s, int cols)
{
    const unsigned char *p = (const unsigned char *)s;

    while (p && *p && cols-- > 0)
        p += utf8_len(p);
    return (const char *)p;
}

/* Append n spaces at out[*at], within len. */
static void pad(char *out, size_t len, size_t *at, int n)
{
    while (n-- > 0 && *at + 1 < len)
        out[(*at)++] = ' ';
}

char *layout_fit(const char *s, int width, int right, int utf8, char *out, size_t len)
{
    const char *ell = utf8 ? "\xe2\x80\xa6" : "~";
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    int w = layout_width((const char *)p), take = w;
    size_t at = 0;

    if (!len)
        return out;
    if (width < 0)
        width = 0;
    if (w > width)
        take = width > 0 ? width - 1 : 0;
    if (right && w < width)
        pad(out, len, &at, width - w);
    for (int i = 0; i < take && *p; i++) {
        int n = utf8_len(p);
        if (at + n >= len)
            break;
        memcpy(out + at, p, n);
        at += n;
        p += n;
    }
    if (w > width && width > 0 && at + strlen(ell) < len) {
        memcpy(out + at, ell, strlen(ell));
        at += strlen(ell);
    }
    if (!right && w < width)
        pad(out, len, &at, width - w);
    out[at] = '\0';
    return out;
}

/* Hide the visible column with the highest priority number (the last of
 * equals).  Returns 0 when only one is left. */
static int hide_one(const struct layout_col *cols, int n, int *widths)
{
    int worst = -1, visible = 0;
    for (int i = 0; i < n; i++) {
        if (widths[i] < 0)
            continue;
        visible++;
        if (worst < 0 || cols[i].priority >= cols[worst].priority)
            worst = i;
    }
    if (visible <= 1)
        return 0;
    widths[worst] = -1;
    return 1;
}

/* Share spare columns among visible columns by weight, up to their max. */
static void share(const struct layout_col *cols, int n, int *widths, int spare)
{
    while (spare > 0) {
        int weights = 0, given = 0;
        for (int i = 0; i < n; i++)
            if (widths[i] >= 0 && cols[i].weight > 0 && (!cols[i].max || widths[i] < cols[i].max))
                weights += cols[i].weight;
        if (!weights)
            return;
        for (int i = 0; i < n && spare > 0; i++) {
            if (widths[i] < 0 || cols[i].weight <= 0 || (cols[i].max && widths[i] >= cols[i].max))
                continue;
            int add = spare * cols[i].weight / weights;
            if (add < 1)
                add = 1;
            if (cols[i].max && widths[i] + add > cols[i].max)
                add = cols[i].max - widths[i];
            if (add > spare)
                add = spare;
            widths[i] += add;
            spare -= add;
            given += add;
        }
        if (!given)
            return;
    }
}

int layout_columns(const struct layout_col *cols, int n, int width, int gap, int *widths)
{
    int need, visible;

    for (int i = 0; i < n; i++)
        widths[i] = cols[i].min;
    for (;;) {
        need = 0;
        visible = 0;
        for (int i = 0; i < n; i++)
            if (widths[i] >= 0) {
                need += widths[i];
                visible++;
            }
        need += visible > 0 ? (visible - 1) * gap : 0;
        if (need <= width || !hide_one(cols, n, widths))
            break;
    }
    if (need > width) {          /* one column left, wider than the screen */
        for (int i = 0; i < n; i++)
            if (widths[i] >= 0)
                widths[i] = width > 0 ? width : 0;
    } else {
        share(cols, n, widths, width - need);
    }
    for (int i = 0; i < n; i++)
        if (widths[i] < 0)
            widths[i] = 0;
    return visible;
}

char *layout_age(long s, char *buf, size_t len)
{
    if (s < 0)
        s = 0;
    if (s < 60)
        snprintf(buf, len, "%lds", s);
    else if (s < 3600)
        snprintf(buf, len, "%ldm", s / 60);
    else if (s < 86400)
        snprintf(buf, len, "%ldh%ldm", s / 3600, s % 3600 / 60);
    else if (s < 86400L * 100)
        snprintf(buf, len, "%ldd%ldh", s / 86400, s % 86400 / 3600);
    else
        snprintf(buf, len, "%ldd", s / 86400);
    return buf;
}

char *layout_percent(int64_t part, int64_t whole, char *buf, size_t len)
{
    if (whole <= 0 || part < 0)
        snprintf(buf, len, "-");
    else
        snprintf(buf, len, "%d%%", (int)(part * 100 / whole));
    return buf;
}

static int cells(int64_t v, int64_t total, int width)
{
    if (v <= 0 || total <= 0)
        return 0;
    if (v >= total)
        return width;
    int c = (int)((double)v * width / (double)total + 0.5);
    return c == 0 ? 1 : c;      /* something in use never looks empty */
}

void layout_meter_cells(int64_t used, int64_t requested, int64_t total, int width,
                        int *used_cells, int *requested_cells)
{
    int u = width > 0 ? cells(used, total, width) : 0;
    int r = width > 0 ? cells(requested, total, width) : 0;

    *used_cells = u;
    *requested_cells = r > u ? r - u : 0;
}

char *layout_meter_text(int64_t used, int64_t requested, int64_t total, int width, int utf8,
                        char *buf, size_t len)
{
    const char *full = utf8 ? "\xe2\x96\x88" : "|", *half = utf8 ? "\xe2\x96\x91" : ":";
    int u, r;
    size_t at = 0;

    layout_meter_cells(used, requested, total, width, &u, &r);
    for (int i = 0; i < width; i++) {
        const char *g = i < u ? full : i < u + r ? half : " ";
        size_t n = strlen(g);
        if (at + n >= len)
            break;
        memcpy(buf + at, g, n);
        at += n;
    }
    if (len)
        buf[at] = '\0';
    return buf;
}

time_t layout_parse_time(const char *s)
{
    struct tm tm = {0};
    const char *end;

    if (!s || !(end = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm)))
        return -1;
    if (*end == '.')
        while (*++end >= '0' && *end <= '9')
            ;
    if (*end != 'Z' || end[1])
        return -1;
    return timegm(&tm);
}

char *layout_until(time_t t, time_t now, char *buf, size_t len)
{
    long d = (long)(t - now);

    if (t < 0)
        snprintf(buf, len, "-");
    else if (d <= 0)
        snprintf(buf, len, "expired");
    else if (d < 3600)
        snprintf(buf, len, "in %ldm", (d + 59) / 60);
    else if (d < 86400 * 2)
        snprintf(buf, len, "in %ldh", d / 3600);
    else
        snprintf(buf, len, "in %ldd", d / 86400);
    return buf;
}
