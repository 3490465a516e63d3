/*
 * deploy_cfg.h - the config file's deploy: section as deploy options, for
 * `odoo-saas deploy`, `odoo-saas node add` and the console's Deploy
 * screen alike, so the three cannot read the section differently.
 */
#ifndef TUI_DEPLOY_CFG_H
#define TUI_DEPLOY_CFG_H

#include "deploy/deploy.h"
#include "os_config.h"

/* Fill what o leaves unset (NULL strings, a 0 timeout) from cfg->deploy:
 * flags win over the file, the file over the engine's defaults.  The
 * strings are cfg's: keep cfg until the run is over.  cfg may be NULL. */
void deploy_cfg_apply(const struct os_config *cfg, struct deploy_opts *o);

#endif
