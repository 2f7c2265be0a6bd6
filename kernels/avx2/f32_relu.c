/* AVX2 ReLU, eight values at a time; the tail through masked loads and
 * stores. */
#include <immintrin.h>

#include "kernels/ukernels.h"

static inline __m256i tail_mask(size_t n) {
  return _mm256_cmpgt_epi32(_mm256_set1_epi32((int)n),
                            _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

/* maxps(0, x) is relu(x) of kernels/ukernels.h, NaN and -0 included: x
 * unless 0 is greater (the operand order matters). */
void cnn_f32_relu_ukernel__avx2(size_t n, const float *x, float *y) {
  const __m256 zero = _mm256_setzero_ps();
  size_t i = 0;
  for (; i + 8 <= n; i += 8) _mm256_storeu_ps(y + i, _mm256_max_ps(zero, _mm256_loadu_ps(x + i)));
  if (i < n) {
    const __m256i mask = tail_mask(n - i);
    _mm256_maskstore_ps(y + i, mask, _mm256_max_ps(zero, _mm256_maskload_ps(x + i, mask)));
  }
}

/* dy times 1 or 0, as the scalar twin multiplies. */
static inline __m256 relu_grad(__m256 y, __m256 dy) {
  const __m256 keep = _mm256_and_ps(_mm256_cmp_ps(y, _mm256_setzero_ps(), _CMP_GT_OQ),
                                    _mm256_set1_ps(1.0f));
  return _mm256_mul_ps(dy, keep);
}

void cnn_f32_relu_bwd_ukernel__avx2(size_t n, const float *y, const float *dy, float *dx) {
  size_t i = 0;
  for (; i + 8 <= n; i += 8)
    _mm256_storeu_ps(dx + i, relu_grad(_mm256_loadu_ps(y + i), _mm256_loadu_ps(dy + i)));
  if (i < n) {
    const __m256i mask = tail_mask(n - i);
    _mm256_maskstore_ps(dx + i, mask, relu_grad(_mm256_maskload_ps(y + i, mask),
                                                _mm256_maskload_ps(dy + i, mask)));
  }
}
