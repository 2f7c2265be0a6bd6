/* NEON channel-vector backward-data micro-kernel: 8 channels (two q
 * registers) x 10 positions; the body is kernels/f32_conv_dgrad_cv_simd.h. */
#include <arm_neon.h>

enum { VL = 4 };
typedef float32x4_t dc_vec;
#define dc_zero() vdupq_n_f32(0.0f)
#define dc_load(p) vld1q_f32(p)
#define dc_store(p, v) vst1q_f32((p), (v))
#define dc_broadcast(p) vld1q_dup_f32(p)
#define dc_fma(acc, a, b) vfmaq_f32((acc), (a), (b))

#include "kernels/f32_conv_dgrad_cv_simd.h"

void cnn_f32_conv_dgrad_cv_ukernel_8x10__neon(size_t nc, size_t nj, size_t steps, size_t s,
                                              size_t u_lo, size_t u_hi, const float *a, const float *x,
                                              const int32_t *rows, float *c, size_t ldc) {
  dgrad_cv(2, 10, nc, nj, steps, s, u_lo, u_hi, a, x, rows, c, ldc);
}
