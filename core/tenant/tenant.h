/*
 * tenant.h - the public interface of core/tenant.
 */
#ifndef TENANT_H
#define TENANT_H

#include "tenant/spec.h"
#include "tenant/render.h"
#include "tenant/status.h"
#include "tenant/apply.h"
#include "tenant/delete.h"

#endif
