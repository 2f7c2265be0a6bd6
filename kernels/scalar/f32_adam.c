#include <math.h>

#include "kernels/ukernels.h"

void cnn_f32_adam_ukernel__scalar(size_t n, float *w, const float *g, float *m, float *v,
                                  const struct cnn_adam_params *p) {
  for (size_t i = 0; i < n; i++) {
    const float grad = g[i] + p->decay * w[i];
    m[i] = p->beta1 * m[i] + p->one_minus_beta1 * grad;
    v[i] = p->beta2 * v[i] + p->one_minus_beta2 * grad * grad;
    const float m_hat = m[i] / p->correct1, v_hat = v[i] / p->correct2;
    w[i] -= p->lr * m_hat / (sqrtf(v_hat) + p->eps);
  }
}
