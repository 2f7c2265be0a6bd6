/* Internal: seconds on a monotonic clock, for profiles. */
#ifndef CNN_RUNTIME_CLOCK_H
#define CNN_RUNTIME_CLOCK_H

#include <time.h>

static inline double cnn_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

#endif
