/*
 * seed_render.h - the product's tenant render for --seed-tenants, with the
 * templates parsed once and the unchanging parts of the objects shared
 * between tenants (see seed_render.c).  Internal to sim/.
 */
#ifndef SIM_SEED_RENDER_H
#define SIM_SEED_RENDER_H

#include <time.h>

#include <json-c/json.h>

#include "error.h"
#include "os_config.h"
#include "tenant/render.h"
#include "tenant/templates.h"

struct seed_render;

/* Load and parse the templates of cfg once.  Returns a new renderer
 * (seed_render_free() frees it) or NULL with err set. */
struct seed_render *seed_render_new(const struct os_config *cfg, struct os_error *err);
void seed_render_free(struct seed_render *r);

/* Render tenant demo-<i> (i from 1, id zero-padded to width digits; tiers
 * cycle basic, basic, standard) into *list, a v1 List the caller owns.
 * Nodes of the templates that hold no variable are shared, not copied:
 * the caller must not change the objects below their top-level fields
 * (seed_render_own() makes the ones the simulator changes its own); a
 * later tenant of a tier also shares the nodes of the tier's first tenant
 * that do not depend on it.  The first two tenants of each tier are also
 * rendered by tenant_render() and compared; on a difference the renderer
 * switches to tenant_render() for good (a message on stderr).  Returns 0
 * or <0 with err set. */
int seed_render_tenant(struct seed_render *r, int i, int width, time_t created, json_object **list,
                       struct os_error *err);
/* The tier of tenant i ("basic" or "standard"; static). */
const char *seed_render_tier(int i);
/* Make obj's own copies (shallow) of what storing and the controllers
 * change in place: the top-level mappings, metadata.labels and
 * .annotations, a Service's spec.ports. */
void seed_render_own(json_object *obj);

#endif
