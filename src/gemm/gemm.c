#include "gemm/gemm.h"

#include "kernels/ukernels.h"

/* Until the blocked driver lands, every GEMM runs the reference loops. */
void cnn_sgemm(cnn_context *ctx, int trans_a, int trans_b, size_t m, size_t n,
               size_t k, float alpha, const float *a, size_t lda, const float *b,
               size_t ldb, float beta, float *c, size_t ldc) {
  (void)ctx;
  cnn_f32_gemm_ref(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}
