/* AVX-512 direct-convolution micro-kernels: 6 output channels x 64
 * positions (4 zmm per channel, 24 accumulators), and the channel-vectorised
 * 64 channels x 24 positions; the bodies are kernels/f32_conv_direct_simd.h
 * and kernels/f32_conv_direct_k_simd.h. */
#include <immintrin.h>

enum { MR = 6, NV = 4, VL = 16, MV = 4, ACC = 24 };
typedef __m512 cd_vec;
typedef __m512 cd_bcast;
#define cd_zero() _mm512_setzero_ps()
#define cd_load(p) _mm512_loadu_ps(p)
#define cd_store(p, v) _mm512_storeu_ps((p), (v))
#define cd_add(a, b) _mm512_add_ps((a), (b))
#define cd_broadcast(p) _mm512_set1_ps(*(p))
#define cd_fma(acc, b, w) _mm512_fmadd_ps((w), (b), (acc))

#include "kernels/f32_conv_direct_simd.h"
#include "kernels/f32_conv_direct_k_simd.h"

void cnn_f32_conv_direct_ukernel_6x64__avx512(size_t mr, size_t nr, size_t kd,
                                              const float *a, const float *x,
                                              const int32_t *rows, float *c, size_t ldc,
                                              int accumulate) {
  conv_direct(mr, nr, kd, a, x, rows, c, ldc, accumulate);
}

/* AVX-512: 24 accumulators and up to 4 filter vectors of 32 registers; the
 * FMAs take their broadcast straight from memory. */
void cnn_f32_conv_direct_k_ukernel_64x24__avx512(size_t mr, size_t nr, size_t kd,
                                                 const float *a, const float *x,
                                                 const int32_t *rows, float *c, size_t ldc,
                                                 int accumulate) {
  conv_direct_k(mr, nr, kd, a, x, rows, c, ldc, accumulate);
}
