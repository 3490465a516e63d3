/* selector.h - placeholder, being written. */
#ifndef KUBE_SELECTOR_H
#define KUBE_SELECTOR_H
#endif
