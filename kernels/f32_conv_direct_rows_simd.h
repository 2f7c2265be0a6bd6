/* The row-slot direct-convolution micro-kernel (conv_direct_rows in
 * kernels/ukernels.h) of every SIMD folder, written once over a small
 * vector interface that the including file defines first:
 *
 *   MR, NV, VL                 channels, vector slots, lanes per slot
 *   cr_vec                     one vector of VL floats
 *   cr_zero(), cr_load(p), cr_add(a, b)
 *   cr_broadcast(p)            *p in every lane
 *   cr_fma(acc, b, w)          acc + b * w, fused
 *   cr_relu(v)                 v < 0 ? 0 : v per lane (NaN and -0 stay)
 *   cr_store_n(p, v, n)        the first n lanes of v to p (n <= VL)
 *
 * Each reduction step loads one vector per slot and multiplies it by one
 * broadcast filter value per channel; the bias and the ReLU are applied
 * in registers and every slot is stored straight into the output rows.
 * The body is specialised for every channel count 1..MR and slot count
 * 1..NV, so the last filters and the last slots of an image do no work
 * for absent rows or slots. */
#ifndef CNN_KERNELS_F32_CONV_DIRECT_ROWS_SIMD_H
#define CNN_KERNELS_F32_CONV_DIRECT_ROWS_SIMD_H

#include "kernels/ukernels.h"

static inline __attribute__((always_inline)) CNN_NO_POINTER_OVERFLOW_CHECK void rows_tile(
    const size_t mr, const size_t nv, size_t kd, const float *a, const float *x,
    const int32_t *rows, const struct cnn_conv_direct_rows_slot *slots, const float *bias,
    int relu, float *y, size_t ldy) {
  const float *xs[NV];
  cr_vec acc[MR][NV];
  #pragma GCC unroll 8
  for (size_t v = 0; v < nv; v++) xs[v] = x + slots[v].x;
  #pragma GCC unroll 8
  for (size_t i = 0; i < mr; i++)
    #pragma GCC unroll 8
    for (size_t v = 0; v < nv; v++) acc[i][v] = cr_zero();
  for (size_t p = 0; p < kd; p++, a += MR) {
    const ptrdiff_t off = rows[p];
    cr_vec bv[NV];
    #pragma GCC unroll 8
    for (size_t v = 0; v < nv; v++) bv[v] = cr_load(xs[v] + off);
    #pragma GCC unroll 8
    for (size_t i = 0; i < mr; i++) {
      const cr_vec ai = cr_broadcast(a + i);
      #pragma GCC unroll 8
      for (size_t v = 0; v < nv; v++) acc[i][v] = cr_fma(acc[i][v], bv[v], ai);
    }
  }
  #pragma GCC unroll 8
  for (size_t i = 0; i < mr; i++) {
    const cr_vec b = bias ? cr_broadcast(bias + i) : cr_zero();
    #pragma GCC unroll 8
    for (size_t v = 0; v < nv; v++) {
      cr_vec sum = bias ? cr_add(acc[i][v], b) : acc[i][v];
      if (relu) sum = cr_relu(sum);
      cr_store_n(y + i * ldy + slots[v].y, sum, (size_t)slots[v].n);
    }
  }
}

_Static_assert(MR >= 5 && MR <= 8, "CR_ROWS specialises channel counts 1..5 and MR");
#define CR_ROWS(nv)                                                                   \
  switch (mr) {                                                                       \
    case 1: rows_tile(1, nv, kd, a, x, rows, slots, bias, relu, y, ldy); break;       \
    case 2: rows_tile(2, nv, kd, a, x, rows, slots, bias, relu, y, ldy); break;       \
    case 3: rows_tile(3, nv, kd, a, x, rows, slots, bias, relu, y, ldy); break;       \
    case 4: rows_tile(4, nv, kd, a, x, rows, slots, bias, relu, y, ldy); break;       \
    case 5: rows_tile(5, nv, kd, a, x, rows, slots, bias, relu, y, ldy); break;       \
    default: rows_tile(MR, nv, kd, a, x, rows, slots, bias, relu, y, ldy); break;     \
  }
#define CR_MIN_NV(n) ((n) < NV ? (n) : NV)

/* The body of every ISA's cnn_f32_conv_direct_rows_ukernel. */
static inline __attribute__((always_inline)) void conv_direct_rows(
    size_t mr, size_t nv, size_t kd, const float *a, const float *x, const int32_t *rows,
    const struct cnn_conv_direct_rows_slot *slots, const float *bias, int relu, float *y,
    size_t ldy) {
  switch (nv) {
    case 1: CR_ROWS(1); break;
    case 2: CR_ROWS(CR_MIN_NV(2)); break;
    case 3: CR_ROWS(CR_MIN_NV(3)); break;
    default: CR_ROWS(NV); break;
  }
}

#endif
