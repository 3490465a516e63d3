/* watch_stream.c - placeholder, being written. */
#include "config.h"
#include "watch_stream.h"
