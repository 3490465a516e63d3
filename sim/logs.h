/*
 * logs.h - the pods/log subresource (see logs.c).
 */
#ifndef SIM_LOGS_H
#define SIM_LOGS_H

#include "sim.h"

/* GET .../pods/NAME/log: plain text, or a stream with follow=true (the
 * response then owns a stream freed by MHD through rs->stream_free). */
void sim_pod_logs(struct sim_request *rq, struct sim_response *rs);

#endif
