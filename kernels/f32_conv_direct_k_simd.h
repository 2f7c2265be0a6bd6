/* The channel-vectorised direct-convolution micro-kernel (conv_direct_k in
 * kernels/ukernels.h) of every SIMD folder, written once over the vector
 * interface of kernels/f32_conv_direct_simd.h, which the including file
 * defines first, plus
 *
 *   MV    the most vectors of VL output channels per tile
 *   ACC   accumulators in registers (the positions of a tile are ACC / mv)
 *
 *   cd_store_t(cols, np, lanes, c, ldc, accumulate)
 *         the transposed store: c[l*ldc + j] (+)= lane l of cols[j], for
 *         l < lanes and j < np <= ACC, nothing else written; an ISA
 *         without a register transpose defines it as cd_store_t_buffered.
 *
 * Each step loads mv vectors of filter values (one per VL channels) and
 * multiplies them by the source value of every position, broadcast. No
 * lane is ever spent on a position that is discarded, which is what the
 * position-vectorised conv_direct pays on narrow outputs (lenet_c2: 10 of
 * every 14 lanes useful). The tile body is specialised for every channel
 * vector count 1..MV and position count 1..ACC/mv. */
#ifndef CNN_KERNELS_F32_CONV_DIRECT_K_SIMD_H
#define CNN_KERNELS_F32_CONV_DIRECT_K_SIMD_H

#include "kernels/ukernels.h"

/* The transposed store through memory, for ISAs without a register
 * transpose. */
static inline __attribute__((always_inline)) void cd_store_t_buffered(
    const cd_vec *cols, size_t np, size_t lanes, float *c, size_t ldc, int accumulate) {
  float buffer[ACC][VL];
  for (size_t j = 0; j < np; j++) cd_store(buffer[j], cols[j]);
  for (size_t l = 0; l < lanes; l++)
    for (size_t j = 0; j < np; j++)
      c[l * ldc + j] = accumulate ? c[l * ldc + j] + buffer[j][l] : buffer[j][l];
}

static inline __attribute__((always_inline)) void tile_k(const size_t mv, const size_t np,
                                                         size_t mr, size_t kd, const float *a,
                                                         const float *x, const int32_t *rows,
                                                         float *c, size_t ldc,
                                                         int accumulate) {
  cd_vec acc[ACC][MV];
  #pragma GCC unroll 24
  for (size_t j = 0; j < np; j++)
    #pragma GCC unroll 4
    for (size_t v = 0; v < mv; v++) acc[j][v] = cd_zero();
  for (size_t p = 0; p < kd; p++, a += MV * VL) {
    const float *b = x + rows[p];
    cd_vec w[MV];
    #pragma GCC unroll 4
    for (size_t v = 0; v < mv; v++) w[v] = cd_load(a + VL * v);
    #pragma GCC unroll 24
    for (size_t j = 0; j < np; j++) {
      const cd_bcast bj = cd_broadcast(b + j);
      #pragma GCC unroll 4
      for (size_t v = 0; v < mv; v++) acc[j][v] = cd_fma(acc[j][v], w[v], bj);
    }
  }
  #pragma GCC unroll 4
  for (size_t v = 0; v < mv; v++) {
    cd_vec cols[ACC];
    #pragma GCC unroll 24
    for (size_t j = 0; j < np; j++) cols[j] = acc[j][v];
    const size_t lanes = mr - VL * v < VL ? mr - VL * v : VL;
    cd_store_t(cols, np, lanes, c + VL * v * ldc, ldc, accumulate);
  }
}

/* One case per position count; counts a tile of mv vectors cannot hold in
 * ACC registers are never asked for and compile to nothing. */
#define CK_CASE(mv, n)                                                   \
  case n:                                                                \
    if ((mv) * (n) <= ACC) tile_k(mv, n, mr, kd, a, x + j0, rows, c + j0, ldc, accumulate); \
    break;
#define CK_POSITIONS(mv)                                                                 \
  for (size_t j0 = 0; j0 < nr; j0 += ACC / (mv)) {                                       \
    switch (nr - j0 < ACC / (mv) ? nr - j0 : ACC / (mv)) {                               \
      CK_CASE(mv, 1) CK_CASE(mv, 2) CK_CASE(mv, 3) CK_CASE(mv, 4) CK_CASE(mv, 5)         \
      CK_CASE(mv, 6) CK_CASE(mv, 7) CK_CASE(mv, 8) CK_CASE(mv, 9) CK_CASE(mv, 10)        \
      CK_CASE(mv, 11) CK_CASE(mv, 12) CK_CASE(mv, 13) CK_CASE(mv, 14) CK_CASE(mv, 15)    \
      CK_CASE(mv, 16) CK_CASE(mv, 17) CK_CASE(mv, 18) CK_CASE(mv, 19) CK_CASE(mv, 20)    \
      CK_CASE(mv, 21) CK_CASE(mv, 22) CK_CASE(mv, 23) CK_CASE(mv, 24)                    \
    }                                                                                    \
  }

/* The body of every ISA's conv_direct_k kernel: mr channels (at most MV
 * vectors) by nr positions, in chunks of the positions one tile holds. */
static inline __attribute__((always_inline)) void conv_direct_k(size_t mr, size_t nr,
                                                                size_t kd, const float *a,
                                                                const float *x,
                                                                const int32_t *rows, float *c,
                                                                size_t ldc, int accumulate) {
  _Static_assert(ACC <= 24, "CK_POSITIONS lists 24 position counts");
  switch ((mr + VL - 1) / VL) {
    case 1: CK_POSITIONS(1); break;
    case 2: CK_POSITIONS(MV < 2 ? MV : 2); break;
    case 3: CK_POSITIONS(MV < 3 ? MV : 3); break;
    default: CK_POSITIONS(MV); break;
  }
}

#endif
