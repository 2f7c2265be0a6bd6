/* AVX-512 row-slot direct-convolution micro-kernel: 6 output channels x 4
 * slots of 16 positions (24 accumulators); the body is
 * kernels/f32_conv_direct_rows_simd.h. Partial slots are stored masked. */
#include <immintrin.h>

enum { MR = 6, NV = 4, VL = 16 };
typedef __m512 cr_vec;
#define cr_zero() _mm512_setzero_ps()
#define cr_load(p) _mm512_loadu_ps(p)
#define cr_add(a, b) _mm512_add_ps((a), (b))
#define cr_broadcast(p) _mm512_set1_ps(*(p))
#define cr_fma(acc, b, w) _mm512_fmadd_ps((w), (b), (acc))
/* max_ps returns its second operand when either is NaN. */
/* maxps(0, v): v where v is NaN or -0, as relu() of kernels/ukernels.h. */
#define cr_relu(v) _mm512_max_ps(_mm512_setzero_ps(), (v))
#define cr_store_n(p, v, n) _mm512_mask_storeu_ps((p), (__mmask16)((1u << (n)) - 1), (v))

#include "kernels/f32_conv_direct_rows_simd.h"

void cnn_f32_conv_direct_rows_ukernel_6x64__avx512(
    size_t mr, size_t nv, size_t kd, const float *a, const float *x, const int32_t *rows,
    const struct cnn_conv_direct_rows_slot *slots, const float *bias, int relu, float *y,
    size_t ldy) {
  conv_direct_rows(mr, nv, kd, a, x, rows, slots, bias, relu, y, ldy);
}
