/* Internal: the machine's shape, which sets thread counts and blocking. */
#ifndef CNN_RUNTIME_TOPOLOGY_H
#define CNN_RUNTIME_TOPOLOGY_H

/* Physical cores available to this process (at least 1). */
int cnn_topology_physical_cores(void);

#endif
