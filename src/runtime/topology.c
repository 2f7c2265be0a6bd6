#include "runtime/topology.h"

#include <unistd.h>

int cnn_topology_physical_cores(void) {
  long online = sysconf(_SC_NPROCESSORS_ONLN);
  return online > 0 ? (int)online : 1;
}
