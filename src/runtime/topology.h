/* Internal: the machine's shape, which sets thread counts and blocking. */
#ifndef CNN_RUNTIME_TOPOLOGY_H
#define CNN_RUNTIME_TOPOLOGY_H

#include <stddef.h>

struct cnn_topology {
  int physical_cores;    /* cores this process may run on, at least 1 */
  size_t l1d, l2, l3;    /* data/unified cache sizes in bytes seen by one core;
                            l2 and l3 are 0 when the machine has none */
  const char *source;    /* "hwloc", "sysfs" or "defaults" */
};

/* Read once (hwloc when built with it, else sysfs and sysconf); the same
 * object for the life of the process. Sizes that cannot be read take
 * typical values (32 KiB, 1 MiB, 8 MiB) so blocking always has numbers. */
const struct cnn_topology *cnn_topology(void);

/* Physical cores available to this process (at least 1). */
int cnn_topology_physical_cores(void);

#endif
