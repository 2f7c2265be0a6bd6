/* NEON Adam update, four parameters at a time; the loop is
 * kernels/f32_adam_simd.h. */
#include <arm_neon.h>

typedef float32x4_t adam_vec;
#define ADAM_LANES 4
#define adam_splat(f) vdupq_n_f32(f)
#define adam_load(p) vld1q_f32(p)
#define adam_store(p, v) vst1q_f32((p), (v))
#define adam_add(a, b) vaddq_f32((a), (b))
#define adam_sub(a, b) vsubq_f32((a), (b))
#define adam_mul(a, b) vmulq_f32((a), (b))
#define adam_div(a, b) vdivq_f32((a), (b))
#define adam_sqrt(a) vsqrtq_f32(a)

#include "kernels/f32_adam_simd.h"

void cnn_f32_adam_ukernel__neon(size_t n, float *w, const float *g, float *m, float *v,
                                const struct cnn_adam_params *p) {
  adam_update(n, w, g, m, v, p);
}
