/* The scalar GEMM micro-kernels: one plain-C tile loop, stamped out as the
 * scalar twin of every kernel in kernels/f32_gemm.inc (same tile, same
 * signature). The 4x4 scalar row is both the scalar ISA's kernel and its own
 * twin. */
#include <assert.h>

#include "kernels/ukernels.h"

static inline void gemm_tile(int mr, int nr, size_t k, const float *a,
                             const float *b, float *c, size_t ldc, int accumulate) {
  assert(k >= 1 && mr <= CNN_F32_GEMM_MAX_MR && nr <= CNN_F32_GEMM_MAX_NR);
  float acc[CNN_F32_GEMM_MAX_MR][CNN_F32_GEMM_MAX_NR] = {{0}};
  for (size_t p = 0; p < k; p++)
    for (int i = 0; i < mr; i++)
      for (int j = 0; j < nr; j++) acc[i][j] += a[p * mr + i] * b[p * nr + j];
  for (int i = 0; i < mr; i++)
    for (int j = 0; j < nr; j++)
      c[i * ldc + j] = accumulate ? c[i * ldc + j] + acc[i][j] : acc[i][j];
}

#define CNN_F32_GEMM_UKERNEL(isa, name, twin, mr, nr, pack)                       \
  void twin(size_t k, const float *a, const float *b, float *c, size_t ldc, \
            int accumulate) {                                               \
    gemm_tile(mr, nr, k, a, b, c, ldc, accumulate);                         \
  }
#include "kernels/f32_gemm.inc"
#undef CNN_F32_GEMM_UKERNEL
