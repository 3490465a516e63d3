/*
 * state.h - --state PATH: saving and loading the object store (state.c).
 */
#ifndef SIM_STATE_H
#define SIM_STATE_H

#include "sim.h"

#define SIM_STATE_EVERY_MS 2000   /* save at most this often when dirty */

/* Load PATH when it exists (before anything else is stored): *loaded 1
 * then, and the caller skips seeding.  An unreadable file is an error. */
int sim_state_load(struct sim *s, int *loaded, struct os_error *err);
/* Save now.  lock_held: called with sim->lock held (it is released while
 * the file is written, and taken again). */
int sim_state_save(struct sim *s, int lock_held, struct os_error *err);
/* The lifecycle step: save when dirty and due.  Returns the next deadline
 * or 0. */
int64_t sim_state_step(struct sim *s, int64_t now);

#endif
