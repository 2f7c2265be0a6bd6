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
 * values per k step; both 64-byte aligned, and a kernel reads exactly k*MR
 * and k*NR values of them (never past the end). k >= 1. C is addressed with
 * the row stride ldc (elements) and needs no alignment.
 * - With accumulate == 0 the kernel never reads C (it may hold NaN).
 * - With accumulate != 0 the finished sum is added to C once, at the end
 *   (C + sum, not C summed into step by step), so a tile the driver computes
 *   into a temporary and adds itself gives the same bits.
 * - MR x NR is the whole tile: partial tiles are the driver's job (it
 *   computes them into an aligned temporary tile and copies the valid part).
 * Every kernel is listed once in kernels/f32_gemm.inc with its tile and its
 * scalar twin (same tile, plain C, products rounded before each add). */
typedef void (*cnn_f32_gemm_ukernel_fn)(size_t k, const float *a, const float *b,
                                        float *c, size_t ldc, int accumulate);

/* Largest tile of any kernel: the driver's temporary edge tile holds this. */
#define CNN_F32_GEMM_MAX_MR 16
#define CNN_F32_GEMM_MAX_NR 32

/* Packing of one operand into panels of `width` lines (MR for A, NR for B):
 * element (t, p) of the operand (line t < count, depth p < k) is read at
 * src[t*line_stride + p*k_stride], multiplied by scale, and written to
 *   dst[(t / width) * k * width + p * width + t % width],
 * lines past count in the last panel are zero, so kernels always see full
 * panels. dst is 64-byte aligned with room for ceil(count/width)*width*k
 * values. A (i, p) packs with width MR; B (p, j) with width NR, its columns
 * being the lines. */
typedef void (*cnn_f32_gemm_pack_fn)(size_t width, size_t count, size_t k,
                                     const float *src, size_t line_stride,
                                     size_t k_stride, float scale, float *dst);
void cnn_f32_gemm_pack__scalar(size_t width, size_t count, size_t k,
                               const float *src, size_t line_stride,
                               size_t k_stride, float scale, float *dst);

/* Declarations of every kernel and its scalar twin, from the register list. */
#define CNN_F32_GEMM_UKERNEL(isa, name, twin, mr, nr)                        \
  void name(size_t k, const float *a, const float *b, float *c, size_t ldc, \
            int accumulate);                                                \
  void twin(size_t k, const float *a, const float *b, float *c, size_t ldc, \
            int accumulate);
#include "kernels/f32_gemm.inc"
#undef CNN_F32_GEMM_UKERNEL

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
  cnn_f32_gemm_pack_fn gemm_pack_a, gemm_pack_b;
  const char *gemm_name;
};

/* The table for isa, or NULL when this build or CPU cannot run it. */
const struct cnn_kernels *cnn_kernels_for(cnn_isa isa);

#endif
