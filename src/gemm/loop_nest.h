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
  /* NULL, or all of op(B) packed by cnn_gemm_pack_b (then b is read only
   * by the fallback of a thread without packing buffers). */
  const float *packed_b;
};

/* Where the packed block of op(B) at depth pc (kc deep: the driver's
 * blocking, shorter for the last block) and column jc (a multiple of nr)
 * starts in B packed whole: every depth block before it holds n rounded up
 * to nr columns, and each column panel before it kc x nr values. */
static inline size_t cnn_gemm_packed_b_offset(size_t n, size_t nr, size_t pc, size_t kc,
                                              size_t jc) {
  return pc * ((n + nr - 1) / nr * nr) + jc * kc;
}

/* Computes rows [m0, m1) x columns [n0, n1) of C with the kernels' tile and
 * packing, in the calling thread and its packing buffers. Returns 0 (and C
 * untouched) only when the buffers cannot be allocated. */
int cnn_gemm_loop_nest(const struct cnn_kernels *kern,
                       const struct cnn_gemm_blocking *blk,
                       const struct cnn_gemm_problem *p, size_t m0, size_t m1,
                       size_t n0, size_t n1);

#endif
