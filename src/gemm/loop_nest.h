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
};

/* Computes rows [m0, m1) x columns [n0, n1) of C with the kernels' tile and
 * packing, in the calling thread and its packing buffers. Returns 0 (and C
 * untouched) only when the buffers cannot be allocated. */
int cnn_gemm_loop_nest(const struct cnn_kernels *kern,
                       const struct cnn_gemm_blocking *blk,
                       const struct cnn_gemm_problem *p, size_t m0, size_t m1,
                       size_t n0, size_t n1);

#endif
