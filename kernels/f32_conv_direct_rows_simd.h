/* The row-slot direct-convolution micro-kernels (conv_direct_rows in
 * kernels/ukernels.h) of every SIMD folder, written once over a small
 * vector interface that the including file defines first:
 *
 *   VL                         lanes per slot
 *   cr_vec                     one vector of VL floats
 *   cr_zero(), cr_load(p), cr_add(a, b)
 *   cr_broadcast(p)            *p in every lane
 *   cr_fma(acc, b, w)          acc + b * w, fused
 *   cr_relu(v)                 v < 0 ? 0 : v per lane (NaN and -0 stay)
 *   cr_store_n(p, v, n)        the first n lanes of v to p (n <= VL)
 *
 * Each kernel of the file is one CR_KERNEL line naming its tile, MR
 * channels x NV slots (at most CR_MAX_MR x CR_MAX_NV). Each reduction step
 * loads one vector per slot and multiplies it by one broadcast filter
 * value per channel; the bias and the ReLU are applied in registers and
 * every slot is stored straight into the output rows. The body is
 * specialised for every channel count 1..MR and slot count 1..NV, so the
 * last filters and the last slots of an image do no work for absent rows
 * or slots. */
#ifndef CNN_KERNELS_F32_CONV_DIRECT_ROWS_SIMD_H
#define CNN_KERNELS_F32_CONV_DIRECT_ROWS_SIMD_H

#include "kernels/ukernels.h"

enum { CR_MAX_MR = 8, CR_MAX_NV = 12 };

/* mr channels x nv slots, all three sizes constants once inlined: the
 * arrays live in registers (only their [mr][nv] corner is touched). */
static inline __attribute__((always_inline)) CNN_NO_POINTER_OVERFLOW_CHECK void rows_tile(
    const size_t tile_mr, const size_t mr, const size_t nv, size_t kd, const float *a,
    const float *x, const int32_t *rows, const struct cnn_conv_direct_rows_slot *slots,
    const float *bias, int relu, float *y, size_t ldy) {
  const float *xs[CR_MAX_NV];
  cr_vec acc[CR_MAX_MR][CR_MAX_NV];
  #pragma GCC unroll 12
  for (size_t v = 0; v < nv; v++) xs[v] = x + slots[v].x;
  #pragma GCC unroll 8
  for (size_t i = 0; i < mr; i++)
    #pragma GCC unroll 12
    for (size_t v = 0; v < nv; v++) acc[i][v] = cr_zero();
  for (size_t p = 0; p < kd; p++, a += tile_mr) {
    const ptrdiff_t off = rows[p];
    if (tile_mr > nv) {
      /* The nv slot vectors held across the channels. */
      cr_vec bv[CR_MAX_NV];
      #pragma GCC unroll 12
      for (size_t v = 0; v < nv; v++) bv[v] = cr_load(xs[v] + off);
      #pragma GCC unroll 8
      for (size_t i = 0; i < mr; i++) {
        const cr_vec ai = cr_broadcast(a + i);
        #pragma GCC unroll 12
        for (size_t v = 0; v < nv; v++) acc[i][v] = cr_fma(acc[i][v], bv[v], ai);
      }
    } else {
      /* Few channels: the mr filter values held across the slots, so
       * the registers besides the accumulators stay as few. */
      cr_vec ai[CR_MAX_MR];
      #pragma GCC unroll 8
      for (size_t i = 0; i < mr; i++) ai[i] = cr_broadcast(a + i);
      #pragma GCC unroll 12
      for (size_t v = 0; v < nv; v++) {
        const cr_vec bv = cr_load(xs[v] + off);
        #pragma GCC unroll 8
        for (size_t i = 0; i < mr; i++) acc[i][v] = cr_fma(acc[i][v], bv, ai[i]);
      }
    }
  }
  #pragma GCC unroll 8
  for (size_t i = 0; i < mr; i++) {
    const cr_vec b = bias ? cr_broadcast(bias + i) : cr_zero();
    #pragma GCC unroll 12
    for (size_t v = 0; v < nv; v++) {
      cr_vec sum = bias ? cr_add(acc[i][v], b) : acc[i][v];
      if (relu) sum = cr_relu(sum);
      cr_store_n(y + i * ldy + slots[v].y, sum, (size_t)slots[v].n);
    }
  }
}

#define CR_MIN(n, max) ((n) < (max) ? (n) : (max))
#define CR_ROWS(nv)                                                                         \
  switch (mr) {                                                                             \
    case 1: rows_tile(tile_mr, 1, nv, kd, a, x, rows, slots, bias, relu, y, ldy); break;     \
    case 2: rows_tile(tile_mr, CR_MIN(2, tile_mr), nv, kd, a, x, rows, slots, bias, relu, y, \
                      ldy); break;                                                          \
    case 3: rows_tile(tile_mr, CR_MIN(3, tile_mr), nv, kd, a, x, rows, slots, bias, relu, y, \
                      ldy); break;                                                          \
    case 4: rows_tile(tile_mr, CR_MIN(4, tile_mr), nv, kd, a, x, rows, slots, bias, relu, y, \
                      ldy); break;                                                          \
    case 5: rows_tile(tile_mr, CR_MIN(5, tile_mr), nv, kd, a, x, rows, slots, bias, relu, y, \
                      ldy); break;                                                          \
    case 6: rows_tile(tile_mr, CR_MIN(6, tile_mr), nv, kd, a, x, rows, slots, bias, relu, y, \
                      ldy); break;                                                          \
    case 7: rows_tile(tile_mr, CR_MIN(7, tile_mr), nv, kd, a, x, rows, slots, bias, relu, y, \
                      ldy); break;                                                          \
    default: rows_tile(tile_mr, tile_mr, nv, kd, a, x, rows, slots, bias, relu, y, ldy);     \
      break;                                                                                \
  }

/* The body of every cnn_f32_conv_direct_rows_ukernel: tile_mr and
 * tile_nv are the kernel's tile (constants). The range hint lets the
 * compiler drop the cases past the tile, so each kernel holds only its
 * MR x NV specialisations. A many-channel tile tests its full tile,
 * nearly every call of a forward pass, first on its own: as one more case
 * of the switches, GCC 12 kept bias, relu, y and ldy on the stack and
 * reloaded them for every slot stored (AVX2 6x16 alone at 25 reduction
 * steps, Zen 3: 73 against 79 GFLOP/s). The few-channel tile does not:
 * its hot case is one channel (backward-data of a one-channel layer),
 * which the same test slows from 45 to 39 GFLOP/s (AVX2 2x48, 25 steps),
 * as the kernel then keeps those arguments in registers and spills slot
 * offsets inside the loop. */
static inline __attribute__((always_inline)) void conv_direct_rows(
    const size_t tile_mr, const size_t tile_nv, size_t mr, size_t nv, size_t kd,
    const float *a, const float *x, const int32_t *rows,
    const struct cnn_conv_direct_rows_slot *slots, const float *bias, int relu, float *y,
    size_t ldy) {
  if (mr < 1 || mr > tile_mr || nv < 1 || nv > tile_nv) __builtin_unreachable();
  if (mr == tile_mr && nv == tile_nv && tile_mr > tile_nv) {
    rows_tile(tile_mr, tile_mr, tile_nv, kd, a, x, rows, slots, bias, relu, y, ldy);
    return;
  }
  switch (nv) {
    case 1: CR_ROWS(1); break;
    case 2: CR_ROWS(CR_MIN(2, tile_nv)); break;
    case 3: CR_ROWS(CR_MIN(3, tile_nv)); break;
    case 4: CR_ROWS(CR_MIN(4, tile_nv)); break;
    case 5: CR_ROWS(CR_MIN(5, tile_nv)); break;
    case 6: CR_ROWS(CR_MIN(6, tile_nv)); break;
    case 7: CR_ROWS(CR_MIN(7, tile_nv)); break;
    case 8: CR_ROWS(CR_MIN(8, tile_nv)); break;
    case 9: CR_ROWS(CR_MIN(9, tile_nv)); break;
    case 10: CR_ROWS(CR_MIN(10, tile_nv)); break;
    case 11: CR_ROWS(CR_MIN(11, tile_nv)); break;
    default: CR_ROWS(tile_nv); break;
  }
}

/* Defines kernel `name` of tile MR x NV (MR channels, NV slots of VL). */
#define CR_KERNEL(name, MR, NV)                                                             \
  _Static_assert((MR) >= 1 && (MR) <= CR_MAX_MR && (NV) >= 1 && (NV) <= CR_MAX_NV,          \
                 "conv_direct_rows tile past CR_MAX_MR x CR_MAX_NV");                        \
  void name(size_t mr, size_t nv, size_t kd, const float *a, const float *x,                \
            const int32_t *rows, const struct cnn_conv_direct_rows_slot *slots,              \
            const float *bias, int relu, float *y, size_t ldy) {                            \
    conv_direct_rows(MR, NV, mr, nv, kd, a, x, rows, slots, bias, relu, y, ldy);            \
  }

#endif
