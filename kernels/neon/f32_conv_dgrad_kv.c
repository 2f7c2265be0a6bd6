/* NEON filter-vector backward-data micro-kernel: 6 channels x 4 positions,
 * 24 accumulators of the 32 q registers; the body is
 * kernels/f32_conv_dgrad_kv_simd.h. */
#include <arm_neon.h>

enum { VL = 4 };
typedef float32x4_t kv_vec;
#define kv_zero() vdupq_n_f32(0.0f)
#define kv_load(p) vld1q_f32(p)
#define kv_in_register(v) __asm__("" : "+w"(v))
#define kv_fma(acc, a, b) vfmaq_f32((acc), (a), (b))

/* Pairwise adds: (l0+l1)+(l2+l3). */
static inline void kv_sum4(float32x4_t v0, float32x4_t v1, float32x4_t v2, float32x4_t v3,
                           float *out) {
  vst1q_f32(out, vpaddq_f32(vpaddq_f32(v0, v1), vpaddq_f32(v2, v3)));
}

#include "kernels/f32_conv_dgrad_kv_simd.h"

void cnn_f32_conv_dgrad_kv_ukernel_6x4__neon(const struct cnn_conv_dgrad_kv_geometry *g,
                                             size_t nc, size_t nj, size_t nr, size_t ns,
                                             const float *a, const float *x, float *c,
                                             size_t ldc) {
  dgrad_kv(6, 4, g, nc, nj, nr, ns, a, x, c, ldc);
}
