/* AVX2 Adam update, eight parameters at a time, in the twin's operation
 * order (no fused multiply-add), so the bits match; the tail runs through
 * the twin itself. */
#include <immintrin.h>

#include "kernels/ukernels.h"

void cnn_f32_adam_ukernel__avx2(size_t n, float *w, const float *g, float *m, float *v,
                                const struct cnn_adam_params *p) {
  const __m256 decay = _mm256_set1_ps(p->decay), beta1 = _mm256_set1_ps(p->beta1),
               beta2 = _mm256_set1_ps(p->beta2), rest1 = _mm256_set1_ps(p->one_minus_beta1),
               rest2 = _mm256_set1_ps(p->one_minus_beta2),
               correct1 = _mm256_set1_ps(p->correct1), correct2 = _mm256_set1_ps(p->correct2),
               lr = _mm256_set1_ps(p->lr), eps = _mm256_set1_ps(p->eps);
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m256 wi = _mm256_loadu_ps(w + i);
    const __m256 grad = _mm256_add_ps(_mm256_loadu_ps(g + i), _mm256_mul_ps(decay, wi));
    const __m256 mi = _mm256_add_ps(_mm256_mul_ps(beta1, _mm256_loadu_ps(m + i)),
                                    _mm256_mul_ps(rest1, grad));
    const __m256 vi = _mm256_add_ps(_mm256_mul_ps(beta2, _mm256_loadu_ps(v + i)),
                                    _mm256_mul_ps(_mm256_mul_ps(rest2, grad), grad));
    _mm256_storeu_ps(m + i, mi);
    _mm256_storeu_ps(v + i, vi);
    const __m256 m_hat = _mm256_div_ps(mi, correct1), v_hat = _mm256_div_ps(vi, correct2);
    const __m256 step = _mm256_div_ps(_mm256_mul_ps(lr, m_hat),
                                      _mm256_add_ps(_mm256_sqrt_ps(v_hat), eps));
    _mm256_storeu_ps(w + i, _mm256_sub_ps(wi, step));
  }
  cnn_f32_adam_ukernel__scalar(n - i, w + i, g + i, m + i, v + i, p);
}
