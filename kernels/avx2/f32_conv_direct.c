/* AVX2+FMA direct-convolution micro-kernels: 6 output channels x 16
 * positions (2 ymm per channel, 12 accumulators), and the
 * channel-vectorised 16 channels x 24 positions; the bodies are
 * kernels/f32_conv_direct_simd.h and kernels/f32_conv_direct_k_simd.h. */
#include <immintrin.h>

enum { MR = 6, NV = 2, VL = 8, MV = 2, ACC = 12 };
typedef __m256 cd_vec;
typedef __m256 cd_bcast;
#define cd_zero() _mm256_setzero_ps()
#define cd_load(p) _mm256_loadu_ps(p)
#define cd_store(p, v) _mm256_storeu_ps((p), (v))
#define cd_add(a, b) _mm256_add_ps((a), (b))
#define cd_broadcast(p) _mm256_broadcast_ss(p)
#define cd_store_t cd_store_t_plain
#define cd_fma(acc, b, w) _mm256_fmadd_ps((w), (b), (acc))

#include "kernels/f32_conv_direct_simd.h"
#include "kernels/f32_conv_direct_k_simd.h"

void cnn_f32_conv_direct_ukernel_6x16__avx2(size_t mr, size_t nr, size_t kd,
                                            const float *a, const float *x,
                                            const int32_t *rows, float *c, size_t ldc,
                                            int accumulate) {
  conv_direct(mr, nr, kd, a, x, rows, c, ldc, accumulate);
}

/* AVX2: 12 accumulators, up to 2 filter vectors and a broadcast of 16
 * registers. */
void cnn_f32_conv_direct_k_ukernel_16x24__avx2(size_t mr, size_t nr, size_t kd,
                                               const float *a, const float *x,
                                               const int32_t *rows, float *c, size_t ldc,
                                               int accumulate) {
  conv_direct_k(mr, nr, kd, a, x, rows, c, ldc, accumulate);
}
