/* The scalar direct-convolution micro-kernels: one plain-C tile loop per
 * orientation, stamped out as the scalar twin of every row of
 * kernels/f32_conv_direct.inc and kernels/f32_conv_direct_k.inc (same
 * tile, same signature). Products are rounded before each add. */
#include <assert.h>

#include "kernels/ukernels.h"

enum { MAX_MR = 8, MAX_NR = 64, MAX_K_MR = 64, MAX_K_NR = 24 };

static inline void direct_tile(size_t tile_mr, size_t tile_nr, size_t mr, size_t nr,
                               size_t kd, const float *a, const float *x,
                               const int32_t *rows, float *c, size_t ldc, int accumulate) {
  assert(mr >= 1 && mr <= tile_mr && tile_mr <= MAX_MR && tile_nr <= MAX_NR && kd >= 1);
  assert(nr >= 1 && nr <= tile_nr);
  (void)tile_nr;
  float acc[MAX_MR][MAX_NR] = {{0}};
  for (size_t p = 0; p < kd; p++) {
    const float *b = x + rows[p];
    for (size_t i = 0; i < mr; i++)
      for (size_t j = 0; j < nr; j++) acc[i][j] += a[p * tile_mr + i] * b[j];
  }
  for (size_t i = 0; i < mr; i++)
    for (size_t j = 0; j < nr; j++)
      c[i * ldc + j] = accumulate ? c[i * ldc + j] + acc[i][j] : acc[i][j];
}

#define CNN_F32_CONV_DIRECT_UKERNEL(isa, name, twin, mr, nr)                 \
  void twin(size_t mr_, size_t nr_, size_t kd, const float *a, const float *x, \
            const int32_t *rows, float *c, size_t ldc, int accumulate) {       \
    direct_tile(mr, nr, mr_, nr_, kd, a, x, rows, c, ldc, accumulate);         \
  }
#include "kernels/f32_conv_direct.inc"
#undef CNN_F32_CONV_DIRECT_UKERNEL

/* The channel-vectorised tile (the same sums, the other loop order). */
static inline void direct_k_tile(size_t tile_mr, size_t tile_nr, size_t mr, size_t nr,
                                 size_t kd, const float *a, const float *x,
                                 const int32_t *rows, float *c, size_t ldc, int accumulate) {
  assert(mr >= 1 && mr <= tile_mr && tile_mr <= MAX_K_MR && kd >= 1);
  assert(nr >= 1 && nr <= tile_nr && tile_nr <= MAX_K_NR);
  (void)tile_nr;
  float acc[MAX_K_NR][MAX_K_MR] = {{0}};
  for (size_t p = 0; p < kd; p++) {
    const float *b = x + rows[p];
    for (size_t j = 0; j < nr; j++)
      for (size_t i = 0; i < mr; i++) acc[j][i] += a[p * tile_mr + i] * b[j];
  }
  for (size_t j = 0; j < nr; j++)
    for (size_t i = 0; i < mr; i++)
      c[i * ldc + j] = accumulate ? c[i * ldc + j] + acc[j][i] : acc[j][i];
}

#define CNN_F32_CONV_DIRECT_K_UKERNEL(isa, name, twin, mr, nr, vl)                \
  void twin(size_t mr_, size_t nr_, size_t kd, const float *a, const float *x, \
            const int32_t *rows, float *c, size_t ldc, int accumulate) {       \
    direct_k_tile(mr, nr, mr_, nr_, kd, a, x, rows, c, ldc, accumulate);       \
  }
#include "kernels/f32_conv_direct_k.inc"
#undef CNN_F32_CONV_DIRECT_K_UKERNEL
