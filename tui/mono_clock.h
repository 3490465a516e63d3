/*
 * mono_clock.h - deadlines on the monotonic clock, in milliseconds: when
 * the next metrics poll or detail refresh is due (wall-clock jumps must
 * not stall or rush them).
 */
#ifndef TUI_MONO_CLOCK_H
#define TUI_MONO_CLOCK_H

#include <time.h>

/* Milliseconds since t (negative while t is in the future). */
long mono_ms_since(const struct timespec *t);
/* Set t to in_ms milliseconds from now. */
void mono_due_in(struct timespec *t, long in_ms);

#endif
