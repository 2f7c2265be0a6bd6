/* The scalar weight-gradient micro-kernels, stamped out as the scalar twin
 * of every row of kernels/f32_conv_wgrad.inc (same tile, same signature). */
#include <assert.h>

#include "kernels/ukernels.h"

static inline void wgrad_tile(size_t tile_mr, size_t tile_nr, size_t batch, size_t len,
                              const float *dy, size_t ld_dy, size_t dy_batch,
                              const float *x, size_t x_batch, const int32_t *rows,
                              float *c, size_t ldc, int accumulate) {
  assert(len >= 1 && batch >= 1);
  for (size_t i = 0; i < tile_mr; i++)
    for (size_t j = 0; j < tile_nr; j++) {
      float sum = 0.0f;
      for (size_t bi = 0; bi < batch; bi++) {
        const float *g = dy + bi * dy_batch + i * ld_dy, *b = x + bi * x_batch + rows[j];
        for (size_t o = 0; o < len; o++) sum += g[o] * b[o];
      }
      c[i * ldc + j] = accumulate ? c[i * ldc + j] + sum : sum;
    }
}

#define CNN_F32_CONV_WGRAD_UKERNEL(isa, name, twin, mr, nr)                    \
  void twin(size_t batch, size_t len, const float *dy, size_t ld_dy,           \
            size_t dy_batch, const float *x, size_t x_batch, const int32_t *rows, \
            float *c, size_t ldc, int accumulate) {                            \
    wgrad_tile(mr, nr, batch, len, dy, ld_dy, dy_batch, x, x_batch, rows, c, ldc, \
               accumulate);                                                    \
  }
#include "kernels/f32_conv_wgrad.inc"
#undef CNN_F32_CONV_WGRAD_UKERNEL
