/*
 * kube.h - the public interface of core/kube, the Kubernetes client.
 * Other folders include this header only.
 */
#ifndef KUBE_H
#define KUBE_H

#include "error.h"
#include "kube/resource.h"
#include "kube/quantity.h"
#include "kube/kubeconfig.h"
#include "kube/status.h"
#include "kube/transport.h"
#include "kube/rest.h"
#include "kube/watch_stream.h"
#include "kube/watch.h"
#include "kube/selector.h"

#endif
