/* The scalar channel-vector backward-data micro-kernels, stamped out as the
 * scalar twin of every row of kernels/f32_conv_dgrad_cv.inc (same lanes,
 * same signature; each sum runs over steps, then source values, then taps,
 * as in the SIMD kernels, products rounded before each add). */
#include <assert.h>

#include "kernels/ukernels.h"

static void dgrad_cv_tile(size_t lanes, size_t jmax, size_t nc, size_t nj, size_t steps,
                          size_t taps, size_t u_lo, size_t u_hi, const float *a, const float *x, const int32_t *rows,
                          float *c, size_t ldc) {
  assert(nc >= 1 && nc <= lanes && nj >= 1 && nj <= jmax && steps >= 1 && taps >= 1 &&
         taps <= CNN_DGRAD_CV_MAX_S);
  (void)jmax;
  for (size_t ch = 0; ch < nc; ch++)
    for (size_t j = 0; j < nj; j++) {
      float sum = 0.0f;
      for (size_t t = 0; t < steps; t++)
        for (size_t u = j; u < j + taps; u++) {
          if (u < u_lo || u >= u_hi) continue; /* zero by contract */
          const size_t s = u - j;
          sum += a[(t * taps + s) * lanes + ch] * x[rows[t] + u];
        }
      c[ch * ldc + j] = sum;
    }
}

#define CNN_F32_CONV_DGRAD_CV_UKERNEL(isa, name, twin, lanes, jmax)                    \
  void twin(size_t nc, size_t nj, size_t steps, size_t s, size_t u_lo, size_t u_hi,      \
            const float *a, const float *x, const int32_t *rows, float *c, size_t ldc) { \
    dgrad_cv_tile(lanes, jmax, nc, nj, steps, s, u_lo, u_hi, a, x, rows, c, ldc);        \
  }
#include "kernels/f32_conv_dgrad_cv.inc"
#undef CNN_F32_CONV_DGRAD_CV_UKERNEL
