/*
 * cluster.h - the public interface of core/cluster.
 */
#ifndef CLUSTER_H
#define CLUSTER_H

#include "cluster/nodes.h"
#include "cluster/rebalance.h"
#include "cluster/netpol.h"
#include "cluster/isolation.h"

#endif
