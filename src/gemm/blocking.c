/* MC, KC and NC from the cache sizes (the Goto/BLIS analysis):
 * - the KC x NR micro-panel of B is reused by every MR-row panel of A in the
 *   innermost loop, so it gets half of L1d (the other half streams A and C);
 * - the MC x KC block of A is reused by every micro-panel of B, so it gets
 *   half of L2;
 * - the KC x NC block of B is reused by every block of A, so it gets a share
 *   of L3, capped so that the per-thread buffer stays a few MiB. */
#include "gemm/blocking.h"

#include "runtime/topology.h"

#define KC_MIN 64
#define KC_MAX 512
#define NC_MAX 4096

static size_t round_down(size_t x, size_t multiple) {
  return x / multiple * multiple;
}

static size_t clamp(size_t x, size_t lo, size_t hi) {
  return x < lo ? lo : x > hi ? hi : x;
}

struct cnn_gemm_blocking cnn_gemm_blocking_for(size_t mr, size_t nr) {
  const struct cnn_topology *topo = cnn_topology();
  struct cnn_gemm_blocking blk;
  size_t l2 = topo->l2 ? topo->l2 : 4 * topo->l1d;
  size_t l3 = topo->l3 ? topo->l3 : l2;
  blk.kc = clamp(round_down(topo->l1d / 2 / (nr * sizeof(float)), 8), KC_MIN, KC_MAX);
  blk.mc = round_down(l2 / 2 / (blk.kc * sizeof(float)), mr);
  if (blk.mc < mr) blk.mc = mr;
  size_t l3_share = l3 / 2 / (size_t)topo->physical_cores;
  blk.nc = clamp(round_down(l3_share / (blk.kc * sizeof(float)), nr), nr,
                 round_down(NC_MAX, nr));
  return blk;
}
