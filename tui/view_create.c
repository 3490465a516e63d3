/*
 * view_create.c - the create form: id, subdomain, tier, admin email.
 *
 * Each keystroke re-runs the core validator of the field (the same gate as
 * the CLI and the API), so a message says what is wrong while typing.
 * Enter with every field valid starts tenant_apply_start() on the loop;
 * its progress lines become a step list, and after it ends the form
 * follows the tenant's live phase from the model.  Esc goes back at any
 * time (a running apply goes on, and its end shows in the status bar).
 */
#include "config.h"

#define NCURSES_WIDECHAR 1
#include <ncurses.h>
#include <stdio.h>
#include <string.h>

#include "widgets.h"

enum { F_ID, F_SUBDOMAIN, F_TIER, F_EMAIL };

static const char *const labels[FORM_FIELDS] = {"Tenant id", "Subdomain", "Tier", "Admin email"};
static const char *const hints[FORM_FIELDS] = {
    "3-40 characters: a lowercase letter, then letters, digits and inner hyphens",
    "empty: the same as the id",
    "Left/Right or Space to choose",
    "where the admin account's mail goes",
};

#define LABEL_W 13

static void validate(struct app *a)
{
    struct create_form *f = &a->create;
    struct os_error err;

    memset(f->error, 0, sizeof(f->error));
    if (f->field[F_ID][0] && tenant_id_validate(f->field[F_ID], &err) < 0)
        snprintf(f->error[F_ID], sizeof(f->error[F_ID]), "%s", err.message);
    if (f->field[F_SUBDOMAIN][0] && tenant_subdomain_validate(f->field[F_SUBDOMAIN], &err) < 0)
        snprintf(f->error[F_SUBDOMAIN], sizeof(f->error[F_SUBDOMAIN]), "%s", err.message);
    if (f->field[F_EMAIL][0] && tenant_email_validate(f->field[F_EMAIL], &err) < 0)
        snprintf(f->error[F_EMAIL], sizeof(f->error[F_EMAIL]), "%s", err.message);
    if (!a->cfg || !a->cfg->ntiers)
        snprintf(f->error[F_TIER], sizeof(f->error[F_TIER]), "no tiers configured");
}

static const char *tier_name(const struct app *a)
{
    return a->cfg && a->cfg->ntiers ? a->cfg->tiers[a->create.tier % (int)a->cfg->ntiers].name : "";
}

static void enter(struct app *a, const char *arg)
{
    if (a->create.state == FORM_RUNNING)
        return;                    /* back to the apply in progress */
    memset(&a->create, 0, sizeof(a->create));
    if (arg)
        snprintf(a->create.field[F_ID], sizeof(a->create.field[F_ID]), "%s", arg);
    validate(a);
}

static void on_progress(void *ud, const char *message)
{
    struct app *a = ud;
    form_steps_add(&a->create.steps, message);
    a->dirty = 1;
}

static void on_done(void *ud, const struct os_error *err, int resumed)
{
    struct app *a = ud;
    struct create_form *f = &a->create;

    f->apply = NULL;
    if (err->code) {
        f->state = FORM_FAILED;
        snprintf(f->outcome, sizeof(f->outcome), "%s", err->message);
        app_message(a, 1, "creating %s failed: %s", f->field[F_ID], err->message);
    } else {
        f->state = FORM_DONE;
        snprintf(f->outcome, sizeof(f->outcome), "tenant %s %s", f->field[F_ID],
                 resumed ? "resumed and completed" : "created");
        app_message(a, 0, "%s", f->outcome);
    }
    a->dirty = 1;
}

static int submit(struct app *a)
{
    struct create_form *f = &a->create;
    struct tenant_spec spec = {
        .id = f->field[F_ID],
        .subdomain = f->field[F_SUBDOMAIN][0] ? f->field[F_SUBDOMAIN] : NULL,
        .tier = tier_name(a),
        .admin_email = f->field[F_EMAIL],
    };
    struct os_error err;

    for (int i = 0; i < FORM_FIELDS; i++)
        if (f->error[i][0] || (i != F_SUBDOMAIN && i != F_TIER && !f->field[i][0])) {
            f->focus = i;
            app_message(a, 1, "%s: %s", labels[i], f->error[i][0] ? f->error[i] : "required");
            return APP_HANDLED | APP_REDRAW;
        }
    if (!a->client) {
        app_message(a, 1, "no cluster to create the tenant on");
        return APP_HANDLED | APP_REDRAW;
    }
    if (tenant_spec_validate(&spec, a->cfg, &err) < 0 ||
        !(f->apply = tenant_apply_start(a->client, a->cfg, &spec, on_progress, on_done, a, &err))) {
        f->state = FORM_FAILED;
        snprintf(f->outcome, sizeof(f->outcome), "%s", err.message);
        return APP_HANDLED | APP_REDRAW;
    }
    f->state = FORM_RUNNING;
    f->steps.n = 0;
    form_steps_add(&f->steps, "started");
    return APP_HANDLED | APP_REDRAW;
}

/* Text keys into the focused field. */
static int edit(struct app *a, int key)
{
    struct create_form *f = &a->create;
    char *field = f->field[f->focus];
    size_t len = strlen(field);
    int ch = keymap_key_char(key);

    if (f->focus == F_TIER) {
        int n = a->cfg && a->cfg->ntiers ? (int)a->cfg->ntiers : 1;
        if (key == ' ' || key == (KEYMAP_FN | KEY_RIGHT))
            f->tier = (f->tier + 1) % n;
        else if (key == (KEYMAP_FN | KEY_LEFT))
            f->tier = (f->tier + n - 1) % n;
        else
            return 0;
        return APP_HANDLED | APP_REDRAW;
    }
    if (keymap_is_backspace(key) && len > 0)
        field[len - 1] = '\0';
    else if (ch && ch < 0x7f && len + 1 < sizeof(f->field[0]))
        field[len] = (char)ch, field[len + 1] = '\0';
    else if (!(ch && ch >= 0x7f))
        return 0;
    validate(a);
    return APP_HANDLED | APP_REDRAW;
}

static int key(struct app *a, int k)
{
    struct create_form *f = &a->create;

    if (f->state == FORM_EDIT)
        return edit(a, k);
    if (keymap_is_enter(k) && f->state == FORM_DONE) {
        char id[sizeof(f->field[F_ID])];
        snprintf(id, sizeof(id), "%s", f->field[F_ID]);
        f->state = FORM_EDIT;
        app_pop(a);
        app_switch(a, &view_tenants, NULL);
        app_push(a, &view_tenant, id);
        return APP_HANDLED | APP_REDRAW;
    }
    if (keymap_is_enter(k) && f->state == FORM_FAILED) {
        f->state = FORM_EDIT;
        return APP_HANDLED | APP_REDRAW;
    }
    return 0;
}

static int action(struct app *a, enum action act)
{
    struct create_form *f = &a->create;

    if (f->state != FORM_EDIT)
        return act == ACTION_SUBMIT || act == ACTION_NEXT_FIELD || act == ACTION_PREV_FIELD ||
               act == ACTION_CHOICE ? APP_HANDLED : 0;
    switch (act) {
    case ACTION_NEXT_FIELD: f->focus = (f->focus + 1) % FORM_FIELDS; return APP_HANDLED | APP_REDRAW;
    case ACTION_PREV_FIELD: f->focus = (f->focus + FORM_FIELDS - 1) % FORM_FIELDS; return APP_HANDLED | APP_REDRAW;
    case ACTION_SUBMIT: return submit(a);
    case ACTION_BACK:
        app_pop(a);
        return APP_HANDLED | APP_REDRAW;
    default: return 0;
    }
}

static void draw_fields(struct app *a, int y)
{
    struct create_form *f = &a->create;
    int fw = a->cols - LABEL_W - 4;

    if (fw > 48)
        fw = 48;
    for (int i = 0; i < FORM_FIELDS; i++, y += 3) {
        char value[160];
        int focus = i == f->focus && f->state == FORM_EDIT;
        widget_text(a, y, 2, LABEL_W, focus ? THEME_KEY : THEME_LABEL, labels[i], 0);
        if (i == F_TIER)
            snprintf(value, sizeof(value), "%s %s %s", a->utf8 ? "\xe2\x97\x80" : "<", tier_name(a),
                     a->utf8 ? "\xe2\x96\xb6" : ">");
        else
            snprintf(value, sizeof(value), "%s", f->field[i]);
        widget_text(a, y, 2 + LABEL_W, fw, THEME_INPUT, value, 0);
        if (focus && i != F_TIER) {
            a->cursor_y = y;
            a->cursor_x = 2 + LABEL_W + (layout_width(value) < fw ? layout_width(value) : fw - 1);
        }
        widget_text(a, y + 1, 2 + LABEL_W, a->cols - LABEL_W - 4, f->error[i][0] ? THEME_INPUT_ERROR : THEME_DIM,
                    f->error[i][0] ? f->error[i] : hints[i], 0);
    }
}

static void draw_progress(struct app *a, int y, int rows)
{
    struct create_form *f = &a->create;
    const struct model_tenant *t = model_tenant(&a->model, f->field[F_ID]);
    char buf[400];

    y = widget_steps(a, y, rows - 7, &f->steps) + 1;
    if (f->state == FORM_RUNNING)
        widget_text(a, y++, 4, a->cols - 6, THEME_WARN, "applying...", 0);
    else
        widget_text(a, y++, 4, a->cols - 6, f->state == FORM_DONE ? THEME_OK : THEME_ERROR, f->outcome, 0);
    if (t && f->state != FORM_FAILED) {
        snprintf(buf, sizeof(buf), "phase: %s%s%s%s", tenant_phase_name(t->st.phase), t->st.step[0] ? " (" : "",
                 t->st.step, t->st.step[0] ? ")" : "");
        widget_text(a, y++, 4, a->cols - 6, widget_phase_role(t->st.phase), buf, 0);
    }
    if (f->state != FORM_RUNNING)
        widget_text(a, y + 1, 4, a->cols - 6, THEME_DIM,
                    f->state == FORM_DONE ? "Enter: open the tenant   Esc: back" : "Enter: edit the form   Esc: back", 0);
}

static void draw(struct app *a, int top, int rows)
{
    struct create_form *f = &a->create;

    widget_text(a, top, 0, a->cols, THEME_VALUE, " Create a tenant", 0);
    if (f->state == FORM_EDIT) {
        draw_fields(a, top + 2);
        widget_text(a, top + 2 + 3 * FORM_FIELDS, 2, a->cols - 4, THEME_DIM,
                    "Tab/Down: next field   Enter: create   Esc: cancel", 0);
    } else {
        draw_progress(a, top + 2, rows - 2);
    }
}

const struct view_ops view_create = {
    .name = "create",
    .title = "Create",
    .index = VI_CREATE,
    .bit = VIEW_CREATE,
    .enter = enter,
    .draw = draw,
    .key = key,
    .action = action,
};
