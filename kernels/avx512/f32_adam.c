/* AVX-512 Adam update, sixteen parameters at a time; the loop is
 * kernels/f32_adam_simd.h. */
#include <immintrin.h>

typedef __m512 adam_vec;
#define ADAM_LANES 16
#define adam_splat(f) _mm512_set1_ps(f)
#define adam_load(p) _mm512_loadu_ps(p)
#define adam_store(p, v) _mm512_storeu_ps((p), (v))
#define adam_add(a, b) _mm512_add_ps((a), (b))
#define adam_sub(a, b) _mm512_sub_ps((a), (b))
#define adam_mul(a, b) _mm512_mul_ps((a), (b))
#define adam_div(a, b) _mm512_div_ps((a), (b))
#define adam_sqrt(a) _mm512_sqrt_ps(a)

#include "kernels/f32_adam_simd.h"

void cnn_f32_adam_ukernel__avx512(size_t n, float *w, const float *g, float *m, float *v,
                                  const struct cnn_adam_params *p) {
  adam_update(n, w, g, m, v, p);
}
