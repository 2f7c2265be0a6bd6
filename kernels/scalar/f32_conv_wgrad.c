/* The scalar weight-gradient micro-kernels, stamped out as the scalar twin
 * of every row of kernels/f32_conv_wgrad.inc (same tile, same signature). */
#include <assert.h>

#include "kernels/ukernels.h"

static inline void wgrad_tile(size_t tile_mr, size_t tile_nr, size_t len,
                              const float *dy, size_t ld_dy, const float *x,
                              const int32_t *rows, float *c, size_t ldc,
                              int accumulate) {
  assert(len >= 1);
  for (size_t i = 0; i < tile_mr; i++)
    for (size_t j = 0; j < tile_nr; j++) {
      const float *g = dy + i * ld_dy, *b = x + rows[j];
      float sum = 0.0f;
      for (size_t o = 0; o < len; o++) sum += g[o] * b[o];
      c[i * ldc + j] = accumulate ? c[i * ldc + j] + sum : sum;
    }
}

#define CNN_F32_CONV_WGRAD_UKERNEL(isa, name, twin, mr, nr)                    \
  void twin(size_t len, const float *dy, size_t ld_dy, const float *x,         \
            const int32_t *rows, float *c, size_t ldc, int accumulate) {       \
    wgrad_tile(mr, nr, len, dy, ld_dy, x, rows, c, ldc, accumulate);           \
  }
#include "kernels/f32_conv_wgrad.inc"
#undef CNN_F32_CONV_WGRAD_UKERNEL
