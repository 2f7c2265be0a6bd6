/* The Adam update of every SIMD folder, written once over a small vector
 * interface that the including file defines first:
 *
 *   adam_vec                   one vector of ADAM_LANES floats
 *   adam_splat(f), adam_load(p), adam_store(p, v)
 *   adam_add, adam_sub, adam_mul, adam_div (a, b), adam_sqrt(a)
 *
 * Whole vectors in the scalar twin's operation order (no fused
 * multiply-add), so the bits match; the tail runs through the twin itself. */
#ifndef CNN_KERNELS_F32_ADAM_SIMD_H
#define CNN_KERNELS_F32_ADAM_SIMD_H

#include "kernels/ukernels.h"

static inline void adam_update(size_t n, float *w, const float *g, float *m, float *v,
                               const struct cnn_adam_params *p) {
  const adam_vec decay = adam_splat(p->decay), beta1 = adam_splat(p->beta1),
                 beta2 = adam_splat(p->beta2), rest1 = adam_splat(p->one_minus_beta1),
                 rest2 = adam_splat(p->one_minus_beta2), correct1 = adam_splat(p->correct1),
                 correct2 = adam_splat(p->correct2), lr = adam_splat(p->lr),
                 eps = adam_splat(p->eps);
  size_t i = 0;
  for (; i + ADAM_LANES <= n; i += ADAM_LANES) {
    const adam_vec wi = adam_load(w + i);
    const adam_vec grad = adam_add(adam_load(g + i), adam_mul(decay, wi));
    const adam_vec mi = adam_add(adam_mul(beta1, adam_load(m + i)), adam_mul(rest1, grad));
    const adam_vec vi =
        adam_add(adam_mul(beta2, adam_load(v + i)), adam_mul(adam_mul(rest2, grad), grad));
    adam_store(m + i, mi);
    adam_store(v + i, vi);
    const adam_vec m_hat = adam_div(mi, correct1), v_hat = adam_div(vi, correct2);
    const adam_vec step = adam_div(adam_mul(lr, m_hat), adam_add(adam_sqrt(v_hat), eps));
    adam_store(w + i, adam_sub(wi, step));
  }
  cnn_f32_adam_ukernel__scalar(n - i, w + i, g + i, m + i, v + i, p);
}

#endif
