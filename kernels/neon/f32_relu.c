/* NEON ReLU, four values at a time; the tail in scalar code (the same
 * operations as the scalar twin). */
#include <arm_neon.h>

#include "kernels/ukernels.h"

/* relu(x) as x < 0 ? 0 : x, lane by lane. Not vmaxq: it keeps NaN too, but
 * makes max(-0, +0) = +0 where the twin keeps -0. */
void cnn_f32_relu_ukernel__neon(size_t n, const float *x, float *y) {
  const float32x4_t zero = vdupq_n_f32(0.0f);
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    const float32x4_t v = vld1q_f32(x + i);
    vst1q_f32(y + i, vbslq_f32(vcltq_f32(v, zero), zero, v));
  }
  for (; i < n; i++) y[i] = cnn_f32_relu(x[i]);
}

void cnn_f32_relu_bwd_ukernel__neon(size_t n, const float *y, const float *dy, float *dx) {
  const float32x4_t zero = vdupq_n_f32(0.0f), one = vdupq_n_f32(1.0f);
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    const float32x4_t keep = vbslq_f32(vcgtq_f32(vld1q_f32(y + i), zero), one, zero);
    vst1q_f32(dx + i, vmulq_f32(vld1q_f32(dy + i), keep));
  }
  for (; i < n; i++) dx[i] = dy[i] * (y[i] > 0.0f ? 1.0f : 0.0f);
}
