/* AVX2+FMA row-slot direct-convolution micro-kernels, slots of 8
 * positions: 6 output channels x 2 slots, and for few channels 2 x 6 (12
 * accumulators each); the body is kernels/f32_conv_direct_rows_simd.h. */
#include <immintrin.h>

enum { VL = 8 };
typedef __m256 cr_vec;
#define cr_zero() _mm256_setzero_ps()
/* A loaded slot stays in a register: folded into each FMA that uses it,
 * GCC loads it once per channel (2 x 6 tile: 12 loads a step for 6). */
static inline __m256 cr_load(const float *p) {
  __m256 v = _mm256_loadu_ps(p);
  __asm__("" : "+x"(v));
  return v;
}
#define cr_add(a, b) _mm256_add_ps((a), (b))
#define cr_broadcast(p) _mm256_broadcast_ss(p)
#define cr_fma(acc, b, w) _mm256_fmadd_ps((w), (b), (acc))
/* max_ps returns its second operand when either is NaN. */
/* maxps(0, v): v where v is NaN or -0, as relu() of kernels/ukernels.h. */
#define cr_relu(v) _mm256_max_ps(_mm256_setzero_ps(), (v))

/* A partial slot in pieces of 4, 2 and 1 floats: vmaskmovps stores are
 * slow on AMD cores (measured on Zen 3: lenet_c1 forward 30% slower). */
static inline void cr_store_n(float *p, __m256 v, size_t n) {
  if (n == VL) {
    _mm256_storeu_ps(p, v);
    return;
  }
  __m128 part = _mm256_castps256_ps128(v);
  if (n & 4) {
    _mm_storeu_ps(p, part);
    part = _mm256_extractf128_ps(v, 1);
    p += 4;
  }
  if (n & 2) {
    _mm_storel_pi((__m64 *)(void *)p, part);
    part = _mm_movehl_ps(part, part);
    p += 2;
  }
  if (n & 1) _mm_store_ss(p, part);
}

#include "kernels/f32_conv_direct_rows_simd.h"

CR_KERNEL(cnn_f32_conv_direct_rows_ukernel_6x16__avx2, 6, 2)
CR_KERNEL(cnn_f32_conv_direct_rows_ukernel_2x48__avx2, 2, 6)
