/* AVX-512 row-slot direct-convolution micro-kernels, slots of 16
 * positions: 6 output channels x 4 slots, and for few channels 2 x 12 (24
 * accumulators each); the body is kernels/f32_conv_direct_rows_simd.h.
 * Partial slots are stored masked. */
#include <immintrin.h>

enum { VL = 16 };
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

CR_KERNEL(cnn_f32_conv_direct_rows_ukernel_6x64__avx512, 6, 4)
CR_KERNEL(cnn_f32_conv_direct_rows_ukernel_2x192__avx512, 2, 12)
