/* The kernel contract: every micro-kernel signature and the dispatch table.
 *
 * A kernel is named cnn_f32_<op>_ukernel_<tile>__<isa>; its reference twin
 * has the same name ending in __scalar and the same signature. Kernels never
 * allocate, start threads or fail: the drivers in src/ validate arguments
 * and handle edge tiles, kernels only assert their preconditions. All strides
 * are in elements (floats), not bytes. */
#ifndef CNN_UKERNELS_H
#define CNN_UKERNELS_H

#include <stddef.h>
#include "cnn/runtime.h"

/* ---------------------------------------------------------------- GEMM ---
 * One MR x NR tile of C from packed panels:
 *   C[i*ldc + j] = (accumulate ? C[i*ldc + j] : 0)
 *                  + sum_{p<k} a[p*MR + i] * b[p*NR + j]
 * a: the packed A panel, MR values per k step; b: the packed B panel, NR
 * values per k step; both 64-byte aligned. k >= 1. With accumulate == 0 the
 * kernel never reads C (it may hold NaN). Partial tiles are the driver's job. */
typedef void (*cnn_f32_gemm_ukernel_fn)(size_t k, const float *a, const float *b,
                                        float *c, size_t ldc, int accumulate);

/* The scalar twin, of the same signature as every ISA's kernel. */
#define CNN_SCALAR_GEMM_MR 4
#define CNN_SCALAR_GEMM_NR 4
void cnn_f32_gemm_ukernel_4x4__scalar(size_t k, const float *a, const float *b,
                                      float *c, size_t ldc, int accumulate);

/* The reference GEMM, the oracle for every faster path:
 *   C = alpha * op(A) * op(B) + beta * C, op(X) = X or X^T,
 * row-major, op(A) is M x K, op(B) is K x N. beta == 0 never reads C. */
void cnn_f32_gemm_ref(int trans_a, int trans_b, size_t m, size_t n, size_t k,
                      float alpha, const float *a, size_t lda, const float *b,
                      size_t ldb, float beta, float *c, size_t ldc);

/* ---------------------------------------------------------- the table ---
 * Every slot is filled with its scalar kernel first, then overridden by the
 * ISA's own kernels, so no slot is ever NULL. */
struct cnn_kernels {
  cnn_isa isa;
  int gemm_mr, gemm_nr;
  cnn_f32_gemm_ukernel_fn gemm;
  const char *gemm_name;
};

/* The table for isa, or NULL when this build or CPU cannot run it. */
const struct cnn_kernels *cnn_kernels_for(cnn_isa isa);

#endif
