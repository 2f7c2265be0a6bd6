/* The scalar filter-vector weight-gradient micro-kernels, stamped out as
 * the scalar twin of every row of kernels/f32_conv_wgrad_kv.inc (same
 * lanes, same signature; each sum runs over images, rows and columns in
 * the SIMD kernels' order, products rounded before each add), and the
 * reference pack of dy. */
#include <assert.h>

#include "kernels/ukernels.h"

static void wgrad_kv_tile(size_t lanes, size_t max_taps,
                          const struct cnn_conv_wgrad_kv_geometry *g, const float *dy,
                          const float *x, const int32_t *rows, size_t nrow, size_t ns,
                          float *c, float *bias, int accumulate) {
  assert(nrow >= 1 && nrow <= CNN_WGRAD_KV_MAX_ROWS && ns >= 1 &&
         ns <= CNN_WGRAD_KV_MAX_NS && nrow * ns <= max_taps);
  (void)max_taps;
  for (size_t q = 0; q < nrow; q++)
    for (size_t s = 0; s < ns; s++)
      for (size_t i = 0; i < lanes; i++) {
        float sum = 0.0f;
        for (size_t b = 0; b < g->batch; b++)
          for (size_t oy = 0; oy < g->oh; oy++)
            for (size_t ox = 0; ox < g->ow; ox++)
              sum += dy[b * g->dy_batch + (oy * g->ow + ox) * g->ld_pos + i] *
                     x[b * g->x_batch + rows[q] + oy * g->x_row + ox * g->x_step + s];
        float *cp = c + q * g->c_row + s * g->c_tap + i;
        *cp = accumulate ? *cp + sum : sum;
      }
  for (size_t i = 0; bias && i < lanes; i++) {
    float sum = 0.0f;
    for (size_t b = 0; b < g->batch; b++)
      for (size_t o = 0; o < g->oh * g->ow; o++) sum += dy[b * g->dy_batch + o * g->ld_pos + i];
    bias[i] = accumulate ? bias[i] + sum : sum;
  }
}

#define CNN_F32_CONV_WGRAD_KV_UKERNEL(isa, name, twin, lanes, max_taps, pack)      \
  void twin(const struct cnn_conv_wgrad_kv_geometry *g, const float *dy,           \
            const float *x, const int32_t *rows, size_t nrow, size_t ns, float *c, \
            float *bias, int accumulate) {                                         \
    wgrad_kv_tile(lanes, max_taps, g, dy, x, rows, nrow, ns, c, bias, accumulate); \
  }
#include "kernels/f32_conv_wgrad_kv.inc"
#undef CNN_F32_CONV_WGRAD_KV_UKERNEL

void cnn_f32_conv_wgrad_kv_pack__scalar(size_t k, size_t positions, const float *src,
                                        size_t plane, size_t ld_pos, float *dst) {
  assert(ld_pos % 8 == 0 && ld_pos >= k);
  for (size_t o = 0; o < positions; o++)
    for (size_t i = 0; i < ld_pos; i++) dst[o * ld_pos + i] = i < k ? src[i * plane + o] : 0.0f;
}
