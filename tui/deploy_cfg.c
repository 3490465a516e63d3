/*
 * deploy_cfg.c - the config file's deploy: section under the options of
 * a deployment (see deploy_cfg.h).
 */
#include "config.h"

#include "deploy_cfg.h"

static void fill(const char **dst, const char *from_cfg)
{
    if (!*dst && from_cfg)
        *dst = from_cfg;
}

void deploy_cfg_apply(const struct os_config *cfg, struct deploy_opts *o)
{
    const struct os_deploy_config *d;

    if (!cfg)
        return;
    d = &cfg->deploy;
    fill(&o->identity, d->identity);
    fill(&o->known_hosts, d->known_hosts);
    fill(&o->channel, d->microk8s_channel);
    fill(&o->bundle, d->bundle);
    fill(&o->platform_dir, d->platform_dir);
    fill(&o->remote_dir, d->remote_dir);
    fill(&o->remote_env, d->remote_env);
    if (!o->connect_timeout_s && d->connect_timeout)
        o->connect_timeout_s = (int)d->connect_timeout;
}
