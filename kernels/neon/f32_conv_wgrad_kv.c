/* NEON filter-vector weight-gradient micro-kernels: 8 filters (two q
 * registers) x up to 12 taps and 16 filters (four) x up to 6 taps; the body
 * is kernels/f32_conv_wgrad_kv_simd.h. Also the pack of dy they read, in
 * 4 x 4 transposes. */
#include <arm_neon.h>

enum { VL = 4 };
typedef float32x4_t wk_vec;
#define wk_zero() vdupq_n_f32(0.0f)
#define wk_load(p) vld1q_f32(p)
#define wk_store(p, v) vst1q_f32((p), (v))
#define wk_add(a, b) vaddq_f32((a), (b))
#define wk_fma(acc, v, p) vfmaq_n_f32((acc), (v), *(p))

#include "kernels/f32_conv_wgrad_kv_simd.h"

void cnn_f32_conv_wgrad_kv_ukernel_8x12__neon(const struct cnn_conv_wgrad_kv_geometry *g,
                                              const float *dy, const float *x,
                                              const int32_t *rows, size_t nrow, size_t ns,
                                              float *c, float *bias, int accumulate) {
  wgrad_kv(2, 12, g, dy, x, rows, nrow, ns, c, bias, accumulate);
}

void cnn_f32_conv_wgrad_kv_ukernel_16x6__neon(const struct cnn_conv_wgrad_kv_geometry *g,
                                              const float *dy, const float *x,
                                              const int32_t *rows, size_t nrow, size_t ns,
                                              float *c, float *bias, int accumulate) {
  wgrad_kv(4, 6, g, dy, x, rows, nrow, ns, c, bias, accumulate);
}

void cnn_f32_conv_wgrad_kv_pack__neon(size_t k, size_t positions, const float *src,
                                      size_t plane, size_t ld_pos, float *dst) {
  const size_t body = positions / 4 * 4;
  for (size_t i0 = 0; i0 < ld_pos; i0 += 4) {
    for (size_t o0 = 0; o0 < body; o0 += 4) {
      float32x4_t r[4];
      for (size_t i = 0; i < 4; i++)
        r[i] = i0 + i < k ? vld1q_f32(src + (i0 + i) * plane + o0) : vdupq_n_f32(0.0f);
      const float32x4x2_t t01 = vtrnq_f32(r[0], r[1]), t23 = vtrnq_f32(r[2], r[3]);
      vst1q_f32(dst + o0 * ld_pos + i0,
                vcombine_f32(vget_low_f32(t01.val[0]), vget_low_f32(t23.val[0])));
      vst1q_f32(dst + (o0 + 1) * ld_pos + i0,
                vcombine_f32(vget_low_f32(t01.val[1]), vget_low_f32(t23.val[1])));
      vst1q_f32(dst + (o0 + 2) * ld_pos + i0,
                vcombine_f32(vget_high_f32(t01.val[0]), vget_high_f32(t23.val[0])));
      vst1q_f32(dst + (o0 + 3) * ld_pos + i0,
                vcombine_f32(vget_high_f32(t01.val[1]), vget_high_f32(t23.val[1])));
    }
    for (size_t o = body; o < positions; o++)
      for (size_t i = i0; i < i0 + 4; i++) dst[o * ld_pos + i] = i < k ? src[i * plane + o] : 0.0f;
  }
}
