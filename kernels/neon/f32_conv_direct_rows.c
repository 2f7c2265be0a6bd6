/* NEON row-slot direct-convolution micro-kernels, slots of 4 positions:
 * 6 output channels x 4 slots, and for few channels 2 x 12 (24
 * accumulators each); the body is kernels/f32_conv_direct_rows_simd.h.
 * Partial slots are stored through a stack copy. */
#include <arm_neon.h>
#include <stddef.h>

#include "kernels/neon/store_n.h"

enum { VL = 4 };
typedef float32x4_t cr_vec;
#define cr_zero() vdupq_n_f32(0.0f)
#define cr_load(p) vld1q_f32(p)
#define cr_add(a, b) vaddq_f32((a), (b))
#define cr_broadcast(p) vld1q_dup_f32(p)
#define cr_fma(acc, b, w) vfmaq_f32((acc), (b), (w))
/* v < 0 ? 0 : v as a select, as the ReLU kernel: NaN and -0 stay. */
#define cr_relu(v) vbslq_f32(vcltq_f32((v), vdupq_n_f32(0.0f)), vdupq_n_f32(0.0f), (v))

#define cr_store_n(p, v, n) neon_store_n((p), (v), (n))

#include "kernels/f32_conv_direct_rows_simd.h"

CR_KERNEL(cnn_f32_conv_direct_rows_ukernel_6x16__neon, 6, 4)
CR_KERNEL(cnn_f32_conv_direct_rows_ukernel_2x48__neon, 2, 12)
