/* Internal: the Goto/BLIS loop nest of one thread over one block of C. */
#ifndef CNN_GEMM_LOOP_NEST_H
#define CNN_GEMM_LOOP_NEST_H

#include <stddef.h>

#include "gemm/blocking.h"
#include "kernels/ukernels.h"

/* The arguments of one cnn_sgemm call, as the loops read them. */
struct cnn_gemm_problem {
  int trans_a, trans_b;
  size_t m, n, k;
  float alpha, beta;
  const float *a, *b;
  float *c;
  size_t lda, ldb, ldc;
  /* NULL, or all of op(A) (packed with scale 1: alpha is then 1) or of
   * op(B) packed by cnn_gemm_pack_a / _b; then a or b is read only by the
   * fallback of a thread without packing buffers. */
  const float *packed_a, *packed_b;
};

/* Where the packed block at depth pc (kc deep: the driver's blocking,
 * shorter for the last block) and at row or column `start` (a multiple of
 * the tile side `tile`) begins in an operand of `extent` rows (A) or
 * columns (B) packed whole: every depth block before it holds extent
 * rounded up to the tile, and each panel before it kc x tile values. */
static inline size_t cnn_gemm_packed_offset(size_t extent, size_t tile, size_t pc,
                                            size_t kc, size_t start) {
  return pc * ((extent + tile - 1) / tile * tile) + start * kc;
}

/* Computes rows [m0, m1) x columns [n0, n1) of C with the kernels' tile and
 * packing, in the calling thread and its packing buffers. Returns 0 (and C
 * untouched) only when the buffers cannot be allocated. */
int cnn_gemm_loop_nest(const struct cnn_kernels *kern,
                       const struct cnn_gemm_blocking *blk,
                       const struct cnn_gemm_problem *p, size_t m0, size_t m1,
                       size_t n0, size_t n1);

#endif
