/* The scalar row-slot direct-convolution micro-kernel: one plain-C tile
 * loop, stamped out as the scalar twin of every row of
 * kernels/f32_conv_direct_rows.inc (same tile, same signature). Products
 * are rounded before each add; the twin reads only the lanes it stores. */
#include <assert.h>

#include "kernels/ukernels.h"

enum { MAX_MR = 8, MAX_NV = 12, MAX_VL = 16 };

static inline void rows_tile(size_t tile_mr, size_t tile_nv, size_t tile_vl, size_t mr,
                             size_t nv, size_t kd, const float *a, const float *x,
                             const int32_t *rows,
                             const struct cnn_conv_direct_rows_slot *slots,
                             const float *bias, int relu, float *y, size_t ldy) {
  assert(mr >= 1 && mr <= tile_mr && tile_mr <= MAX_MR && kd >= 1);
  assert(nv >= 1 && nv <= tile_nv && tile_nv <= MAX_NV && tile_vl <= MAX_VL);
  (void)tile_nv;
  (void)tile_vl;
  float acc[MAX_MR][MAX_NV][MAX_VL] = {{{0}}};
  for (size_t p = 0; p < kd; p++)
    for (size_t v = 0; v < nv; v++) {
      assert(slots[v].n >= 1 && (size_t)slots[v].n <= tile_vl);
      const float *b = x + slots[v].x + rows[p];
      for (size_t i = 0; i < mr; i++)
        for (size_t l = 0; l < (size_t)slots[v].n; l++)
          acc[i][v][l] += a[p * tile_mr + i] * b[l];
    }
  for (size_t i = 0; i < mr; i++)
    for (size_t v = 0; v < nv; v++)
      for (size_t l = 0; l < (size_t)slots[v].n; l++) {
        float sum = bias ? acc[i][v][l] + bias[i] : acc[i][v][l];
        if (relu && sum < 0.0f) sum = 0.0f;
        y[i * ldy + slots[v].y + l] = sum;
      }
}

#define CNN_F32_CONV_DIRECT_ROWS_UKERNEL(isa, name, twin, mr, nv, vl)                     \
  void twin(size_t mr_, size_t nv_, size_t kd, const float *a, const float *x,           \
            const int32_t *rows, const struct cnn_conv_direct_rows_slot *slots,          \
            const float *bias, int relu, float *y, size_t ldy) {                         \
    rows_tile(mr, nv, vl, mr_, nv_, kd, a, x, rows, slots, bias, relu, y, ldy);          \
  }
#include "kernels/f32_conv_direct_rows.inc"
#undef CNN_F32_CONV_DIRECT_ROWS_UKERNEL
