/* AVX-512 ReLU, sixteen values at a time; the tail through masked loads
 * and stores. */
#include <immintrin.h>

#include "kernels/ukernels.h"

static inline __mmask16 tail_mask(size_t n) { return (__mmask16)((1u << n) - 1); }

/* maxps(0, x) is relu(x) of kernels/ukernels.h, NaN and -0 included: x
 * unless 0 is greater (the operand order matters). */
void cnn_f32_relu_ukernel__avx512(size_t n, const float *x, float *y) {
  const __m512 zero = _mm512_setzero_ps();
  size_t i = 0;
  for (; i + 16 <= n; i += 16)
    _mm512_storeu_ps(y + i, _mm512_max_ps(zero, _mm512_loadu_ps(x + i)));
  if (i < n) {
    const __mmask16 mask = tail_mask(n - i);
    _mm512_mask_storeu_ps(y + i, mask, _mm512_max_ps(zero, _mm512_maskz_loadu_ps(mask, x + i)));
  }
}

/* dy times 1 or 0, as the scalar twin multiplies. */
static inline __m512 relu_grad(__m512 y, __m512 dy) {
  const __mmask16 positive = _mm512_cmp_ps_mask(y, _mm512_setzero_ps(), _CMP_GT_OQ);
  return _mm512_mul_ps(dy, _mm512_maskz_mov_ps(positive, _mm512_set1_ps(1.0f)));
}

void cnn_f32_relu_bwd_ukernel__avx512(size_t n, const float *y, const float *dy,
                                      float *dx) {
  size_t i = 0;
  for (; i + 16 <= n; i += 16)
    _mm512_storeu_ps(dx + i, relu_grad(_mm512_loadu_ps(y + i), _mm512_loadu_ps(dy + i)));
  if (i < n) {
    const __mmask16 mask = tail_mask(n - i);
    _mm512_mask_storeu_ps(dx + i, mask, relu_grad(_mm512_maskz_loadu_ps(mask, y + i),
                                                  _mm512_maskz_loadu_ps(mask, dy + i)));
  }
}
