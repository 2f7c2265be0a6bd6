/* Internal: the GEMM driver used by every layer.
 *   C = alpha * op(A) * op(B) + beta * C, row-major, op(X) = X or X^T,
 * op(A) M x K with row stride lda, op(B) K x N with ldb, C M x N with ldc.
 * beta == 0 never reads C. Runs on the context's kernels and threads.
 *
 * Inside an active OpenMP parallel region (omp_in_parallel()) it starts no
 * threads and runs on the calling thread only: the conv drivers call it from
 * every thread of their batch loop at once, on the same ctx. It never uses
 * cnn_context_scratch(ctx), which belongs to its caller during the call. */
#ifndef CNN_GEMM_GEMM_H
#define CNN_GEMM_GEMM_H

#include <stddef.h>
#include "cnn/runtime.h"

#ifdef __cplusplus
extern "C" {
#endif

void cnn_sgemm(cnn_context *ctx, int trans_a, int trans_b, size_t m, size_t n,
               size_t k, float alpha, const float *a, size_t lda, const float *b,
               size_t ldb, float beta, float *c, size_t ldc);

/* An operand packed once for many products with it (a layer's weights,
 * used by every micro-batch of a step). cnn_gemm_pack_a lays out all of
 * op(A) (m x k, op(A) = A^T when trans_a) and cnn_gemm_pack_b all of op(B)
 * (k x n) as the driver packs its blocks, in cnn_gemm_packed_a_floats /
 * _b_floats floats; part `part` of `parts` packs one share of the rows or
 * columns, so threads can split it. cnn_sgemm_packed then computes what
 * cnn_sgemm computes, bit for bit, from either or both packed operands
 * (NULL: packed as usual), on the same context's kernels (the layout
 * depends on their tiles) and, with a packed A, alpha 1. The unpacked a
 * and b are read only by the fallback of a thread whose packing buffers
 * cannot be allocated. */
size_t cnn_gemm_packed_a_floats(const cnn_context *ctx, size_t m, size_t k);
size_t cnn_gemm_packed_b_floats(const cnn_context *ctx, size_t k, size_t n);
void cnn_gemm_pack_a(const cnn_context *ctx, int trans_a, size_t m, size_t k,
                     const float *a, size_t lda, int part, int parts, float *packed);
void cnn_gemm_pack_b(const cnn_context *ctx, int trans_b, size_t k, size_t n,
                     const float *b, size_t ldb, int part, int parts, float *packed);
void cnn_sgemm_packed(cnn_context *ctx, int trans_a, int trans_b, size_t m, size_t n,
                      size_t k, float alpha, const float *a, size_t lda,
                      const float *packed_a, const float *b, size_t ldb,
                      const float *packed_b, float beta, float *c, size_t ldc);

#ifdef __cplusplus
}
#endif
#endif
