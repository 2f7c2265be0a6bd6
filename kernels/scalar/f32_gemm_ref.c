#include "kernels/ukernels.h"

void cnn_f32_gemm_ref(int trans_a, int trans_b, size_t m, size_t n, size_t k,
                      float alpha, const float *a, size_t lda, const float *b,
                      size_t ldb, float beta, float *c, size_t ldc) {
  for (size_t i = 0; i < m; i++)
    for (size_t j = 0; j < n; j++) {
      float sum = 0.0f;
      for (size_t p = 0; p < k; p++) {
        float aip = trans_a ? a[p * lda + i] : a[i * lda + p];
        float bpj = trans_b ? b[j * ldb + p] : b[p * ldb + j];
        sum += aip * bpj;
      }
      c[i * ldc + j] = alpha * sum + (beta == 0.0f ? 0.0f : beta * c[i * ldc + j]);
    }
}
