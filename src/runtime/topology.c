/* The core count and cache sizes: hwloc when the build has it, else sysfs
 * (Linux) and sysconf. */
#include "runtime/topology.h"

#include <sched.h>
#include <stdio.h>
#include <threads.h>
#include <unistd.h>

#if CNN_HAVE_HWLOC
#include <hwloc.h>
#endif

static struct cnn_topology topo;
static once_flag topo_once = ONCE_FLAG_INIT;

#if CNN_HAVE_HWLOC
/* The first cache of a level on the way up from the first allowed core. */
static size_t hwloc_cache(hwloc_topology_t t, hwloc_obj_type_t type) {
  hwloc_obj_t obj = hwloc_get_obj_by_type(t, type, 0);
  return obj && obj->attr ? (size_t)obj->attr->cache.size : 0;
}

static int read_hwloc(void) {
  hwloc_topology_t t;
  if (hwloc_topology_init(&t) != 0) return 0;
  int ok = hwloc_topology_load(t) == 0;
  if (ok) {
    int cores = hwloc_get_nbobjs_by_type(t, HWLOC_OBJ_CORE);
    topo.physical_cores = cores > 0 ? cores : 0;
    topo.l1d = hwloc_cache(t, HWLOC_OBJ_L1CACHE);
    topo.l2 = hwloc_cache(t, HWLOC_OBJ_L2CACHE);
    topo.l3 = hwloc_cache(t, HWLOC_OBJ_L3CACHE);
  }
  hwloc_topology_destroy(t);
  return ok && topo.physical_cores > 0;
}
#endif

/* A number from a sysfs file, with an optional K/M suffix ("32K"). */
static size_t read_sysfs_size(const char *path) {
  FILE *f = fopen(path, "r");
  if (!f) return 0;
  unsigned long long value = 0;
  char unit = 0;
  int n = fscanf(f, "%llu%c", &value, &unit);
  fclose(f);
  if (n < 1) return 0;
  if (unit == 'K') value <<= 10;
  if (unit == 'M') value <<= 20;
  return (size_t)value;
}

/* Distinct (package, core) pairs among the CPUs this process may use. */
static int sysfs_cores(void) {
  cpu_set_t allowed;
  if (sched_getaffinity(0, sizeof allowed, &allowed) != 0) return 0;
  long seen[CPU_SETSIZE];
  int count = 0;
  for (int cpu = 0; cpu < CPU_SETSIZE; cpu++) {
    if (!CPU_ISSET(cpu, &allowed)) continue;
    char path[128];
    snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu%d/topology/core_id", cpu);
    size_t core = read_sysfs_size(path);
    snprintf(path, sizeof path,
             "/sys/devices/system/cpu/cpu%d/topology/physical_package_id", cpu);
    long id = (long)(read_sysfs_size(path) << 20 | core);
    int known = 0;
    for (int i = 0; i < count && !known; i++) known = seen[i] == id;
    if (!known) seen[count++] = id;
  }
  return count;
}

/* cpu0's caches from sysfs: index<N>/level and type pick L1d, L2, L3. */
static void sysfs_caches(void) {
  for (int index = 0; index < 8; index++) {
    char path[128], type[16] = "";
    snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu0/cache/index%d/type", index);
    FILE *f = fopen(path, "r");
    if (!f) break;
    int n = fscanf(f, "%15s", type);
    fclose(f);
    if (n != 1 || type[0] == 'I') continue; /* Instruction cache */
    snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu0/cache/index%d/level", index);
    size_t level = read_sysfs_size(path);
    snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu0/cache/index%d/size", index);
    size_t size = read_sysfs_size(path);
    if (level == 1) topo.l1d = size;
    if (level == 2) topo.l2 = size;
    if (level == 3) topo.l3 = size;
  }
}

static void read_topology(void) {
  topo.source = "sysfs";
#if CNN_HAVE_HWLOC
  if (read_hwloc()) topo.source = "hwloc";
#endif
  if (topo.physical_cores <= 0) {
    topo.physical_cores = sysfs_cores();
    if (topo.physical_cores <= 0) {
      long online = sysconf(_SC_NPROCESSORS_ONLN);
      topo.physical_cores = online > 0 ? (int)online : 1;
    }
  }
  if (topo.l1d == 0) sysfs_caches();
  if (topo.l1d == 0) {
    topo.source = "defaults";
    topo.l1d = 32 << 10;
    if (topo.l2 == 0) topo.l2 = 1 << 20;
    if (topo.l3 == 0) topo.l3 = 8 << 20;
  }
}

const struct cnn_topology *cnn_topology(void) {
  call_once(&topo_once, read_topology);
  return &topo;
}

int cnn_topology_physical_cores(void) { return cnn_topology()->physical_cores; }
