/* The filter-vector backward-data micro-kernel of every SIMD folder
 * (contract in kernels/ukernels.h), written once over a small vector
 * interface that the including file defines first:
 *
 *   VL                        lanes per vector
 *   kv_vec                    one vector of VL floats
 *   kv_zero(), kv_load(p)
 *   kv_fma(acc, a, b)         acc + a * b, fused
 *   kv_in_register(v)         keeps the compiler from folding v's load
 *                             into every multiply-add that reads it
 *   kv_sum4(v0, v1, v2, v3, out)  out[i] = the sum of the lanes of vi
 *
 * Per tap and vector of filters, the nj dy vectors are loaded once and
 * every channel's filter vector once: nc*nj multiply-adds per nc + nj
 * loads, into nc*nj independent accumulators (no chain shorter than the
 * tile). Every accumulator holds its sum spread over the lanes; the lanes
 * are added up once, at the end of the tile. The tile is specialised for
 * every nc <= mc and nj <= jmax. */
#ifndef CNN_KERNELS_F32_CONV_DGRAD_KV_SIMD_H
#define CNN_KERNELS_F32_CONV_DGRAD_KV_SIMD_H

#include <assert.h>

#include "kernels/ukernels.h"

enum { KV_MAX_C = 6, KV_MAX_J = 4 };

static inline __attribute__((always_inline)) void tile(
    const size_t nc, const size_t nj, const struct cnn_conv_dgrad_kv_geometry *g, size_t nr,
    size_t ns, const float *a, const float *x, float *c, size_t ldc) {
  const size_t kl = g->kl, a_c = g->a_c;
  kv_vec acc[KV_MAX_C * KV_MAX_J + 3];
  #pragma GCC unroll 24
  for (size_t i = 0; i < nc * nj + 3; i++) acc[i] = kv_zero();
  /* Along a filter row, tap s and filter k sit at s*kl + k in both x and
   * a: one run of ns*kl floats. */
  const size_t run = ns * kl;
  for (size_t r = 0; r < nr; r++, x += g->x_row, a += g->a_row)
    for (size_t q = 0; q < run; q += VL) {
      kv_vec d[KV_MAX_J];
      #pragma GCC unroll 4
      for (size_t j = 0; j < nj; j++) d[j] = kv_load(x + j * kl + q);
      #pragma GCC unroll 6
      for (size_t ch = 0; ch < nc; ch++) {
        kv_vec w = kv_load(a + ch * a_c + q);
        kv_in_register(w);
        #pragma GCC unroll 4
        for (size_t j = 0; j < nj; j++) acc[ch * nj + j] = kv_fma(acc[ch * nj + j], w, d[j]);
      }
    }
  /* Sums of four accumulators at a time (the ones past nc*nj are zero). */
  float out[KV_MAX_C * KV_MAX_J + 3];
  #pragma GCC unroll 6
  for (size_t i = 0; i < nc * nj; i += 4) kv_sum4(acc[i], acc[i + 1], acc[i + 2], acc[i + 3], out + i);
  #pragma GCC unroll 6
  for (size_t ch = 0; ch < nc; ch++)
    #pragma GCC unroll 4
    for (size_t j = 0; j < nj; j++) c[ch * ldc + j] = out[ch * nj + j];
}

/* Tiles larger than the kernel's budget are never asked for; their cases
 * compile to nothing. */
#define KV_TILE(nc_, nj_)                                                           \
  case nj_:                                                                         \
    if ((nc_) <= mc && (nj_) <= jmax) tile(nc_, nj_, g, nr, ns, a, x, c, ldc);      \
    break;
#define KV_CHANNELS(nc_)                                                            \
  case nc_:                                                                         \
    switch (nj) { KV_TILE(nc_, 1) KV_TILE(nc_, 2) KV_TILE(nc_, 3) KV_TILE(nc_, 4) } \
    break;

/* The body of every ISA's cnn_f32_conv_dgrad_kv_ukernel. */
static inline __attribute__((always_inline)) void dgrad_kv(
    const size_t mc, const size_t jmax, const struct cnn_conv_dgrad_kv_geometry *g,
    size_t nc, size_t nj, size_t nr, size_t ns, const float *a, const float *x, float *c,
    size_t ldc) {
  assert(nc >= 1 && nc <= mc && mc <= KV_MAX_C && nj >= 1 && nj <= jmax &&
         jmax <= KV_MAX_J && nr >= 1 && ns >= 1 && g->kl >= VL && g->kl % VL == 0);
  switch (nc) {
    KV_CHANNELS(1) KV_CHANNELS(2) KV_CHANNELS(3) KV_CHANNELS(4) KV_CHANNELS(5)
    KV_CHANNELS(6)
  }
}

#endif
