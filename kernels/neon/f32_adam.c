/* NEON Adam update, four parameters at a time, in the twin's operation
 * order (no fused multiply-add), so the bits match; the tail runs through
 * the twin itself. */
#include <arm_neon.h>

#include "kernels/ukernels.h"

void cnn_f32_adam_ukernel__neon(size_t n, float *w, const float *g, float *m, float *v,
                                const struct cnn_adam_params *p) {
  const float32x4_t decay = vdupq_n_f32(p->decay), beta1 = vdupq_n_f32(p->beta1),
                    beta2 = vdupq_n_f32(p->beta2), rest1 = vdupq_n_f32(p->one_minus_beta1),
                    rest2 = vdupq_n_f32(p->one_minus_beta2),
                    correct1 = vdupq_n_f32(p->correct1), correct2 = vdupq_n_f32(p->correct2),
                    lr = vdupq_n_f32(p->lr), eps = vdupq_n_f32(p->eps);
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    const float32x4_t wi = vld1q_f32(w + i);
    const float32x4_t grad = vaddq_f32(vld1q_f32(g + i), vmulq_f32(decay, wi));
    const float32x4_t mi = vaddq_f32(vmulq_f32(beta1, vld1q_f32(m + i)), vmulq_f32(rest1, grad));
    const float32x4_t vi =
        vaddq_f32(vmulq_f32(beta2, vld1q_f32(v + i)), vmulq_f32(vmulq_f32(rest2, grad), grad));
    vst1q_f32(m + i, mi);
    vst1q_f32(v + i, vi);
    const float32x4_t m_hat = vdivq_f32(mi, correct1), v_hat = vdivq_f32(vi, correct2);
    const float32x4_t step =
        vdivq_f32(vmulq_f32(lr, m_hat), vaddq_f32(vsqrtq_f32(v_hat), eps));
    vst1q_f32(w + i, vsubq_f32(wi, step));
  }
  cnn_f32_adam_ukernel__scalar(n - i, w + i, g + i, m + i, v + i, p);
}
