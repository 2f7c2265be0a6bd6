/* MC, KC and NC from the cache sizes (the Goto/BLIS analysis, tuned on
 * Zen 4 with 32 KiB L1d and 1 MiB L2 per core):
 * - KC: the longer the depth of a block, the fewer times each tile of C is
 *   loaded and stored and the less packing per flop; the micro-panels it
 *   makes must still stream from L2 alongside the A block. The KC x NR
 *   micro-panel of B gets 1/16 of L2 (KC 512 for NR 32): measured, 512
 *   beat 128, 256 and 384 by 2-20% on 1024^3 and the conv shapes, while
 *   768 lost again. The micro-panels then outgrow L1; the hardware
 *   prefetchers keep the kernel fed from L2 (10 bytes per cycle at 8x32).
 * - MC: the MC x KC block of A is reused by every micro-panel of B, so it
 *   gets half of L2.
 * - NC: the KC x NC block of B is reused by every block of A, so it gets a
 *   share of L3, capped so that the per-thread buffer stays a few MiB. */
#include "gemm/blocking.h"

#include "runtime/topology.h"

#define KC_MIN 64
#define KC_MAX 1024
#define NC_MAX 4096

static size_t round_down(size_t x, size_t multiple) {
  return x / multiple * multiple;
}

static size_t clamp(size_t x, size_t lo, size_t hi) {
  return x < lo ? lo : x > hi ? hi : x;
}

/* The block size that splits total into as many blocks as block does, but
 * of even sizes (a multiple of `multiple`, at most block): 2304 in blocks
 * of 512 becomes 4 blocks of 464 and a last one of 448, not four of 512
 * and one of 256. */
static size_t even_block(size_t total, size_t block, size_t multiple) {
  size_t blocks = (total + block - 1) / block;
  size_t even = (total + blocks - 1) / blocks;
  even = (even + multiple - 1) / multiple * multiple;
  return even < block ? even : block;
}

struct cnn_gemm_blocking cnn_gemm_blocking_for(size_t mr, size_t nr, size_t m, size_t k) {
  const struct cnn_topology *topo = cnn_topology();
  struct cnn_gemm_blocking blk;
  size_t l2 = topo->l2 ? topo->l2 : 4 * topo->l1d;
  size_t l3 = topo->l3 ? topo->l3 : l2;
  size_t kc_max = clamp(round_down(l2 / 16 / (nr * sizeof(float)), 8), KC_MIN, KC_MAX);
  blk.mc = round_down(l2 / 2 / (kc_max * sizeof(float)), mr);
  if (blk.mc < mr) blk.mc = mr;
  blk.kc = even_block(k, kc_max, 8);
  /* When A is a single block, each packed micro-panel of B serves only
   * m/MR kernel calls and is never read again: a B block sized for L2
   * keeps those reads out of L3 (16x6400x150: +8%). */
  size_t share = m <= blk.mc ? l2 / 2 : l3 / 2 / (size_t)topo->physical_cores;
  blk.nc = clamp(round_down(share / (blk.kc * sizeof(float)), nr), nr,
                 round_down(NC_MAX, nr));
  blk.a_floats = blk.mc * kc_max;
  blk.b_floats = round_down(NC_MAX, nr) * kc_max;
  return blk;
}
