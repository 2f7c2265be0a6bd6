/* AVX2 Adam update, eight parameters at a time; the loop is
 * kernels/f32_adam_simd.h. */
#include <immintrin.h>

typedef __m256 adam_vec;
#define ADAM_LANES 8
#define adam_splat(f) _mm256_set1_ps(f)
#define adam_load(p) _mm256_loadu_ps(p)
#define adam_store(p, v) _mm256_storeu_ps((p), (v))
#define adam_add(a, b) _mm256_add_ps((a), (b))
#define adam_sub(a, b) _mm256_sub_ps((a), (b))
#define adam_mul(a, b) _mm256_mul_ps((a), (b))
#define adam_div(a, b) _mm256_div_ps((a), (b))
#define adam_sqrt(a) _mm256_sqrt_ps(a)

#include "kernels/f32_adam_simd.h"

void cnn_f32_adam_ukernel__avx2(size_t n, float *w, const float *g, float *m, float *v,
                                const struct cnn_adam_params *p) {
  adam_update(n, w, g, m, v, p);
}
