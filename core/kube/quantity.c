/* quantity.c - placeholder, being written. */
#include "config.h"
#include "quantity.h"
