/* selector.c - placeholder, being written. */
#include "config.h"
#include "selector.h"
