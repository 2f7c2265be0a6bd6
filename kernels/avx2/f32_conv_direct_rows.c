/* AVX2+FMA row-slot direct-convolution micro-kernels, slots of 8
 * positions: 6 output channels x 2 slots, and for few channels 2 x 6 (12
 * accumulators each); the body is kernels/f32_conv_direct_rows_simd.h. */
#include <immintrin.h>

#include "kernels/avx2/store_n.h"

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

#define cr_store_n(p, v, n) avx2_store_n((p), (v), (n))

#include "kernels/f32_conv_direct_rows_simd.h"

CR_KERNEL(cnn_f32_conv_direct_rows_ukernel_6x16__avx2, 6, 2)
CR_KERNEL(cnn_f32_conv_direct_rows_ukernel_2x48__avx2, 2, 6)
