/*
 * view_delete.c - delete a tenant: confirm by typing its id, then follow.
 *
 * Nothing happens until the typed text equals the id (the default is "no":
 * Esc and every other key leave the tenant alone).  Then one asynchronous
 * DELETE of the namespace (propagation Foreground) goes out on the loop;
 * after that the namespace watch of the model tells the rest: its
 * conditions while it terminates, and its disappearance when it is gone.
 * Only namespaces the model holds (labelled managed-by odoo-saas) can be
 * deleted, like tenant_delete() in the core.
 */
#include "config.h"

#define NCURSES_WIDECHAR 1
#include <ncurses.h>
#include <stdio.h>
#include <string.h>

#include "widgets.h"

#define DELETE_BODY "{\"kind\":\"DeleteOptions\",\"apiVersion\":\"v1\",\"propagationPolicy\":\"Foreground\"}"

static void enter(struct app *a, const char *arg)
{
    if (a->del.state == FORM_RUNNING && (!arg || !strcmp(arg, a->del.id)))
        return;
    if (a->del.state == FORM_RUNNING) {
        app_pop(a);
        app_message(a, 1, "tenant %s is still being deleted; wait for it first", a->del.id);
        return;
    }
    memset(&a->del, 0, sizeof(a->del));
    snprintf(a->del.id, sizeof(a->del.id), "%s", arg ? arg : "");
}

/* The end: gone (detail NULL) or failed with detail. */
static void finish(struct app *a, enum form_state state, const char *detail)
{
    struct delete_form *f = &a->del;

    f->state = state;
    if (state == FORM_DONE)
        snprintf(f->outcome, sizeof(f->outcome), "tenant %s is gone", f->id);
    else
        snprintf(f->outcome, sizeof(f->outcome), "deleting %s failed: %.400s", f->id, detail);
    form_steps_add(&f->steps, f->outcome);
    app_message(a, state == FORM_FAILED, "%s", f->outcome);
}

/* The transport's callback: nothing allocated per call, so a cancel at
 * exit leaks nothing. */
static void on_deleted(void *ud, struct kube_response *resp)
{
    struct app *a = ud;
    const struct os_error *err = &resp->err;

    a->del.call = NULL;
    if (err->code && !os_error_is(err, "NotFound") && !os_error_is(err, "Conflict"))
        finish(a, FORM_FAILED, err->message);
    else
        form_steps_add(&a->del.steps, "namespace deletion requested");
    a->dirty = 1;
}

/* Follow a running deletion: the namespace record says what holds it
 * (the message of its first True condition). */
void view_delete_follow(struct app *a)
{
    struct delete_form *f = &a->del;
    const struct records_ns *ns;

    if (f->state != FORM_RUNNING || f->call)
        return;
    if (!(ns = model_tenant_namespace(&a->model, f->id))) {
        finish(a, FORM_DONE, NULL);
        return;
    }
    if (ns->deleting)
        form_steps_add(&f->steps, "namespace is terminating");
    if (ns->holding)
        form_steps_add(&f->steps, ns->holding);
}

static int start(struct app *a)
{
    const struct kube_resource *r = kube_resource_by_kind("v1", "Namespace");
    struct delete_form *f = &a->del;
    const struct records_ns *ns = model_tenant_namespace(&a->model, f->id);
    struct kube_call_spec spec;
    char name[80], path[256];
    struct os_error err;

    if (!ns || !a->client) {
        app_message(a, 1, "no tenant \"%s\" on the cluster", f->id);
        return APP_HANDLED | APP_REDRAW;
    }
    f->state = FORM_RUNNING;
    if (ns->deleting) {
        form_steps_add(&f->steps, "tenant is already being deleted");
        return APP_HANDLED | APP_REDRAW;
    }
    snprintf(name, sizeof(name), TENANT_NS_PREFIX "%s", f->id);
    if (kube_resource_path(r, NULL, name, NULL, path, sizeof(path), &err) < 0) {
        finish(a, FORM_FAILED, err.message);
        return APP_HANDLED | APP_REDRAW;
    }
    spec = (struct kube_call_spec){.method = "DELETE", .path = path, .content_type = "application/json",
                                   .body = DELETE_BODY, .body_len = strlen(DELETE_BODY),
                                   .on_done = on_deleted, .userdata = a};
    f->call = kube_call_start(a->client, &spec, &err);
    if (!f->call)
        finish(a, FORM_FAILED, err.message);
    else
        form_steps_add(&f->steps, "asking the cluster to delete the namespace");
    return APP_HANDLED | APP_REDRAW;
}

static int key(struct app *a, int k)
{
    struct delete_form *f = &a->del;
    size_t len = strlen(f->typed);
    int ch = keymap_key_char(k);

    if (f->state != FORM_EDIT)
        return 0;
    if (keymap_is_backspace(k) && len > 0)
        f->typed[len - 1] = '\0';
    else if (ch && ch < 0x7f && len + 1 < sizeof(f->typed))
        f->typed[len] = (char)ch, f->typed[len + 1] = '\0';
    else if (!(ch && ch >= 0x7f))
        return 0;
    return APP_HANDLED | APP_REDRAW;
}

static int action(struct app *a, enum action act)
{
    struct delete_form *f = &a->del;

    if (act == ACTION_BACK) {
        if (f->state == FORM_DONE)
            app_switch(a, &view_tenants, NULL);
        else
            app_pop(a);
        if (f->state == FORM_EDIT)
            app_message(a, 0, "nothing deleted");
        return APP_HANDLED | APP_REDRAW;
    }
    if (act != ACTION_SUBMIT || f->state != FORM_EDIT)
        return act == ACTION_SUBMIT ? APP_HANDLED : 0;
    if (strcmp(f->typed, f->id)) {
        app_message(a, 1, "type %s exactly to delete it (Esc cancels)", f->id);
        return APP_HANDLED | APP_REDRAW;
    }
    return start(a);
}

static void draw(struct app *a, int top, int rows)
{
    struct delete_form *f = &a->del;
    char buf[256];
    int y = top + 2;

    snprintf(buf, sizeof(buf), " Delete tenant %s", f->id);
    widget_text(a, top, 0, a->cols, THEME_ERROR, buf, 0);
    if (f->state == FORM_EDIT) {
        snprintf(buf, sizeof(buf), "This deletes namespace %s%s and everything in it: the database,", TENANT_NS_PREFIX, f->id);
        widget_text(a, y++, 2, a->cols - 4, THEME_ROW, buf, 0);
        widget_text(a, y++, 2, a->cols - 4, THEME_ROW, "the files and the admin account.  It cannot be undone.", 0);
        y++;
        snprintf(buf, sizeof(buf), "Type the tenant id (%s) to confirm:", f->id);
        widget_text(a, y++, 2, a->cols - 4, THEME_LABEL, buf, 0);
        widget_text(a, y, 2, 42 < a->cols - 4 ? 42 : a->cols - 4, THEME_INPUT, f->typed, 0);
        a->cursor_y = y;
        a->cursor_x = 2 + layout_width(f->typed);
        y += 2;
        widget_text(a, y, 2, a->cols - 4, THEME_DIM, "Enter: delete   Esc: cancel (nothing is deleted)", 0);
        return;
    }
    y = widget_steps(a, y, rows - 5, &f->steps) + 1;
    if (f->state == FORM_RUNNING)
        widget_text(a, y, 4, a->cols - 6, THEME_WARN, "deleting...", 0);
    else
        widget_text(a, y, 4, a->cols - 6, f->state == FORM_DONE ? THEME_OK : THEME_ERROR,
                    f->state == FORM_DONE ? "done.  Esc: back to the tenants" : "failed.  Esc: back", 0);
}

const struct view_ops view_delete = {
    .name = "delete",
    .title = "Delete",
    .index = VI_DELETE,
    .bit = VIEW_DELETE,
    .enter = enter,
    .draw = draw,
    .key = key,
    .action = action,
};
