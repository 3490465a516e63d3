/* kubeconfig.c - placeholder, being written. */
#include "config.h"
#include "kubeconfig.h"
