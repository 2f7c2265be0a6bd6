/* The filter-vector weight-gradient micro-kernel of every SIMD folder
 * (contract in kernels/ukernels.h), written once over a small vector
 * interface that the including file defines first:
 *
 *   VL                       lanes per vector
 *   wk_vec                   one vector of VL floats
 *   wk_zero(), wk_load(p), wk_store(p, v), wk_add(a, b)
 *   wk_fma(acc, v, p)        acc + v * (*p), fused, *p broadcast
 *
 * Per output position the MV vectors of dy are loaded once and multiply one
 * broadcast source value per tap: nrow*ns*MV independent accumulators, one
 * vector load per nrow*ns fused multiply-adds, and the broadcasts read a
 * few source rows that stay in L1. With a bias gradient asked for, the dy
 * vectors are also summed (adds, which do not compete with the multiply-
 * adds on cores with separate pipes). A kernel passes its vectors of filters
 * (mv) and the most accumulating taps its registers hold (max_taps); the
 * tile is specialised for every (nrow, ns) up to max_taps. */
#ifndef CNN_KERNELS_F32_CONV_WGRAD_KV_SIMD_H
#define CNN_KERNELS_F32_CONV_WGRAD_KV_SIMD_H

#include <assert.h>

#include "kernels/ukernels.h"

enum { WK_MAX_MV = 4 };

static inline __attribute__((always_inline)) void tile(
    const size_t mv, const size_t nrow, const size_t ns, const int with_bias,
    const struct cnn_conv_wgrad_kv_geometry *g, const float *dy, const float *x,
    const int32_t *rows, float *c, float *bias, int accumulate) {
  wk_vec acc[CNN_WGRAD_KV_MAX_ROWS][CNN_WGRAD_KV_MAX_NS][WK_MAX_MV], bacc[WK_MAX_MV];
  #pragma GCC unroll 4
  for (size_t m = 0; m < mv; m++) bacc[m] = wk_zero();
  #pragma GCC unroll 8
  for (size_t q = 0; q < nrow; q++)
    #pragma GCC unroll 8
    for (size_t s = 0; s < ns; s++)
      #pragma GCC unroll 8
      for (size_t m = 0; m < mv; m++) acc[q][s][m] = wk_zero();
  for (size_t b = 0; b < g->batch; b++) {
    const float *d = dy + b * g->dy_batch;
    const float *xb = x + b * g->x_batch;
    for (size_t oy = 0; oy < g->oh; oy++) {
      const float *xr[CNN_WGRAD_KV_MAX_ROWS];
      #pragma GCC unroll 8
      for (size_t q = 0; q < nrow; q++) xr[q] = xb + rows[q] + oy * g->x_row;
      for (size_t ox = 0, xo = 0; ox < g->ow; ox++, xo += g->x_step, d += g->ld_pos) {
        wk_vec dv[WK_MAX_MV];
        #pragma GCC unroll 8
        for (size_t m = 0; m < mv; m++) dv[m] = wk_load(d + m * VL);
        if (with_bias)
          #pragma GCC unroll 4
          for (size_t m = 0; m < mv; m++) bacc[m] = wk_add(bacc[m], dv[m]);
        #pragma GCC unroll 8
        for (size_t q = 0; q < nrow; q++)
          #pragma GCC unroll 8
          for (size_t s = 0; s < ns; s++)
            #pragma GCC unroll 8
            for (size_t m = 0; m < mv; m++)
              acc[q][s][m] = wk_fma(acc[q][s][m], dv[m], xr[q] + xo + s);
      }
    }
  }
  #pragma GCC unroll 8
  for (size_t q = 0; q < nrow; q++)
    #pragma GCC unroll 8
    for (size_t s = 0; s < ns; s++)
      #pragma GCC unroll 8
      for (size_t m = 0; m < mv; m++) {
        float *cp = c + q * g->c_row + s * g->c_tap + m * VL;
        wk_vec sum = acc[q][s][m];
        if (accumulate) sum = wk_add(wk_load(cp), sum);
        wk_store(cp, sum);
      }
  if (with_bias)
    #pragma GCC unroll 4
    for (size_t m = 0; m < mv; m++) {
      wk_vec sum = bacc[m];
      if (accumulate) sum = wk_add(wk_load(bias + m * VL), sum);
      wk_store(bias + m * VL, sum);
    }
}

/* Tiles the registers cannot hold are never asked for (the driver reads
 * max taps from the register list); their cases compile to nothing. */
#define WK_TILE(nrow, ns)                                                     \
  case ns:                                                                    \
    if ((nrow) * (ns) <= max_taps) {                                          \
      if (bias)                                                               \
        tile(mv, nrow, ns, 1, g, dy, x, rows, c, bias, accumulate);           \
      else                                                                    \
        tile(mv, nrow, ns, 0, g, dy, x, rows, c, bias, accumulate);           \
    }                                                                         \
    break;
#define WK_ROW(nrow)                                                    \
  case nrow:                                                            \
    switch (ns) { WK_TILE(nrow, 1) WK_TILE(nrow, 2) WK_TILE(nrow, 3)    \
                  WK_TILE(nrow, 4) WK_TILE(nrow, 5) }                   \
    break;

/* The body of every ISA's cnn_f32_conv_wgrad_kv_ukernel. */
static inline __attribute__((always_inline)) void wgrad_kv(
    const size_t mv, const size_t max_taps, const struct cnn_conv_wgrad_kv_geometry *g, const float *dy, const float *x,
    const int32_t *rows, size_t nrow, size_t ns, float *c, float *bias, int accumulate) {
  assert(nrow >= 1 && nrow <= CNN_WGRAD_KV_MAX_ROWS && ns >= 1 &&
         ns <= CNN_WGRAD_KV_MAX_NS && nrow * ns <= max_taps && mv <= WK_MAX_MV);
  switch (nrow) { WK_ROW(1) WK_ROW(2) WK_ROW(3) WK_ROW(4) WK_ROW(5) }
}

#endif
