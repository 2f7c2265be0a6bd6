/* The scalar filter-vector backward-data micro-kernels, stamped out as the
 * scalar twin of every row of kernels/f32_conv_dgrad_kv.inc (same tile,
 * same signature; each sum runs over filter rows, taps, then filters,
 * products rounded before each add). */
#include <assert.h>

#include "kernels/ukernels.h"

static void dgrad_kv_tile(size_t lanes, size_t mc, size_t jmax,
                          const struct cnn_conv_dgrad_kv_geometry *g, size_t nc, size_t nj,
                          size_t nr, size_t ns, const float *a, const float *x, float *c,
                          size_t ldc) {
  assert(nc >= 1 && nc <= mc && nj >= 1 && nj <= jmax && nr >= 1 && ns >= 1 &&
         g->kl >= lanes && g->kl % lanes == 0);
  (void)lanes, (void)mc, (void)jmax;
  for (size_t ch = 0; ch < nc; ch++)
    for (size_t j = 0; j < nj; j++) {
      float sum = 0.0f;
      for (size_t r = 0; r < nr; r++)
        for (size_t s = 0; s < ns; s++)
          for (size_t k = 0; k < g->kl; k++)
            sum += x[r * g->x_row + (j + s) * g->kl + k] *
                   a[ch * g->a_c + r * g->a_row + s * g->kl + k];
      c[ch * ldc + j] = sum;
    }
}

#define CNN_F32_CONV_DGRAD_KV_UKERNEL(isa, name, twin, lanes, mc, jmax)                  \
  void twin(const struct cnn_conv_dgrad_kv_geometry *g, size_t nc, size_t nj, size_t nr, \
            size_t ns, const float *a, const float *x, float *c, size_t ldc) {           \
    dgrad_kv_tile(lanes, mc, jmax, g, nc, nj, nr, ns, a, x, c, ldc);                     \
  }
#include "kernels/f32_conv_dgrad_kv.inc"
#undef CNN_F32_CONV_DGRAD_KV_UKERNEL
