#include <assert.h>

#include "kernels/ukernels.h"

void cnn_f32_gemm_ukernel_4x4__scalar(size_t k, const float *a, const float *b,
                                      float *c, size_t ldc, int accumulate) {
  enum { MR = CNN_SCALAR_GEMM_MR, NR = CNN_SCALAR_GEMM_NR };
  assert(k >= 1);
  float acc[MR][NR] = {{0}};
  for (size_t p = 0; p < k; p++)
    for (int i = 0; i < MR; i++)
      for (int j = 0; j < NR; j++) acc[i][j] += a[p * MR + i] * b[p * NR + j];
  for (int i = 0; i < MR; i++)
    for (int j = 0; j < NR; j++)
      c[i * ldc + j] = accumulate ? c[i * ldc + j] + acc[i][j] : acc[i][j];
}
