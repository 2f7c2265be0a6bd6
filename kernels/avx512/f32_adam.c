/* AVX-512 Adam update, sixteen parameters at a time, in the twin's operation
 * order (no fused multiply-add), so the bits match; the tail runs through
 * the twin itself. */
#include <immintrin.h>

#include "kernels/ukernels.h"

void cnn_f32_adam_ukernel__avx512(size_t n, float *w, const float *g, float *m, float *v,
                                  const struct cnn_adam_params *p) {
  const __m512 decay = _mm512_set1_ps(p->decay), beta1 = _mm512_set1_ps(p->beta1),
               beta2 = _mm512_set1_ps(p->beta2), rest1 = _mm512_set1_ps(p->one_minus_beta1),
               rest2 = _mm512_set1_ps(p->one_minus_beta2),
               correct1 = _mm512_set1_ps(p->correct1), correct2 = _mm512_set1_ps(p->correct2),
               lr = _mm512_set1_ps(p->lr), eps = _mm512_set1_ps(p->eps);
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m512 wi = _mm512_loadu_ps(w + i);
    const __m512 grad = _mm512_add_ps(_mm512_loadu_ps(g + i), _mm512_mul_ps(decay, wi));
    const __m512 mi = _mm512_add_ps(_mm512_mul_ps(beta1, _mm512_loadu_ps(m + i)),
                                    _mm512_mul_ps(rest1, grad));
    const __m512 vi = _mm512_add_ps(_mm512_mul_ps(beta2, _mm512_loadu_ps(v + i)),
                                    _mm512_mul_ps(_mm512_mul_ps(rest2, grad), grad));
    _mm512_storeu_ps(m + i, mi);
    _mm512_storeu_ps(v + i, vi);
    const __m512 m_hat = _mm512_div_ps(mi, correct1), v_hat = _mm512_div_ps(vi, correct2);
    const __m512 step = _mm512_div_ps(_mm512_mul_ps(lr, m_hat),
                                      _mm512_add_ps(_mm512_sqrt_ps(v_hat), eps));
    _mm512_storeu_ps(w + i, _mm512_sub_ps(wi, step));
  }
  cnn_f32_adam_ukernel__scalar(n - i, w + i, g + i, m + i, v + i, p);
}
