/* The channel-vectorised direct-convolution micro-kernel (conv_direct_k in
 * kernels/ukernels.h) of every SIMD folder, written once over the vector
 * interface of kernels/f32_conv_direct_simd.h, which the including file
 * defines first, plus
 *
 *   MV    the most vectors of VL output channels per tile
 *   ACC   accumulators in registers (the positions of a tile are ACC / mv)
 *
 *   cd_store_t(cols, np, lanes, c, ldc, accumulate)
 *         the transposed store: c[l*ldc + j] (+)= cols[j*VL + l], for
 *         l < lanes and j < np <= ACC, nothing else written; an ISA
 *         without a register transpose defines it as cd_store_t_plain.
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

/* The transposed store in plain C, for ISAs without a register transpose. */
static __attribute__((unused)) void cd_store_t_plain(const float *cols, size_t np,
                                                    size_t lanes, float *c, size_t ldc,
                                                    int accumulate) {
  for (size_t l = 0; l < lanes; l++)
    for (size_t j = 0; j < np; j++)
      c[l * ldc + j] = accumulate ? c[l * ldc + j] + cols[j * VL + l] : cols[j * VL + l];
}

/* The accumulators go through a small buffer to one out-of-line transposed
 * store: inlining a transpose into every tile shape multiplies the code
 * (and the build time) for a step that runs once per kd steps. */
static inline __attribute__((always_inline)) CNN_NO_POINTER_OVERFLOW_CHECK void tile_k(
    const size_t mv, const size_t np, size_t mr, size_t kd, const float *a, const float *x,
    const int32_t *rows, float *c, size_t ldc, int accumulate) {
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
  float cols[ACC * VL] __attribute__((aligned(64)));
  /* Unrolled, so that every accumulator is named by constants: with a
   * variable index GCC keeps acc in memory and stores all of it every
   * step of the loop above. */
  #pragma GCC unroll 4
  for (size_t v = 0; v < mv; v++) {
    #pragma GCC unroll 24
    for (size_t j = 0; j < np; j++) cd_store(cols + j * VL, acc[j][v]);
    const size_t lanes = mr - VL * v < VL ? mr - VL * v : VL;
    cd_store_t(cols, np, lanes, c + VL * v * ldc, ldc, accumulate);
  }
}

/* Every tile shape is its own function: inlined into one body, the
 * shapes make a function that compilers (sanitizer builds above all) take
 * minutes over. Shapes beyond MV vectors or ACC accumulators compile to
 * nothing and are never called. */
typedef void (*ck_tile_fn)(size_t mr, size_t kd, const float *a, const float *x,
                           const int32_t *rows, float *c, size_t ldc, int accumulate);
#define CK_TILE(mv, n)                                                                     \
  static void tile_k_##mv##_##n(size_t mr, size_t kd, const float *a, const float *x,     \
                                const int32_t *rows, float *c, size_t ldc,                \
                                int accumulate) {                                         \
    if ((mv) <= MV && (mv) * (n) <= ACC)                                                   \
      tile_k((mv) <= MV ? (mv) : MV, (mv) * (n) <= ACC ? (n) : 1, mr, kd, a, x, rows, c,  \
             ldc, accumulate);                                                            \
  }
#define CK_TILES(mv)                                                                       \
  CK_TILE(mv, 1) CK_TILE(mv, 2) CK_TILE(mv, 3) CK_TILE(mv, 4) CK_TILE(mv, 5)               \
  CK_TILE(mv, 6) CK_TILE(mv, 7) CK_TILE(mv, 8) CK_TILE(mv, 9) CK_TILE(mv, 10)              \
  CK_TILE(mv, 11) CK_TILE(mv, 12) CK_TILE(mv, 13) CK_TILE(mv, 14) CK_TILE(mv, 15)          \
  CK_TILE(mv, 16) CK_TILE(mv, 17) CK_TILE(mv, 18) CK_TILE(mv, 19) CK_TILE(mv, 20)          \
  CK_TILE(mv, 21) CK_TILE(mv, 22) CK_TILE(mv, 23) CK_TILE(mv, 24)
CK_TILES(1)
CK_TILES(2)
CK_TILES(3)
CK_TILES(4)
#define CK_ROW(mv)                                                                         \
  {tile_k_##mv##_1, tile_k_##mv##_2, tile_k_##mv##_3, tile_k_##mv##_4, tile_k_##mv##_5,    \
   tile_k_##mv##_6, tile_k_##mv##_7, tile_k_##mv##_8, tile_k_##mv##_9, tile_k_##mv##_10,   \
   tile_k_##mv##_11, tile_k_##mv##_12, tile_k_##mv##_13, tile_k_##mv##_14,                \
   tile_k_##mv##_15, tile_k_##mv##_16, tile_k_##mv##_17, tile_k_##mv##_18,                \
   tile_k_##mv##_19, tile_k_##mv##_20, tile_k_##mv##_21, tile_k_##mv##_22,                \
   tile_k_##mv##_23, tile_k_##mv##_24}
static const ck_tile_fn ck_tiles[4][24] = {CK_ROW(1), CK_ROW(2), CK_ROW(3), CK_ROW(4)};

/* The body of every ISA's conv_direct_k kernel: mr channels (mv <= MV
 * vectors) by nr positions, in chunks of the positions one tile holds. */
static inline __attribute__((always_inline)) void conv_direct_k(size_t mr, size_t nr,
                                                                size_t kd, const float *a,
                                                                const float *x,
                                                                const int32_t *rows, float *c,
                                                                size_t ldc, int accumulate) {
  _Static_assert(ACC <= 24 && MV <= 4, "ck_tiles holds 4 x 24 shapes");
  const size_t mv = (mr + VL - 1) / VL, chunk = ACC / mv;
  for (size_t j0 = 0; j0 < nr; j0 += chunk) {
    const size_t n = nr - j0 < chunk ? nr - j0 : chunk;
    ck_tiles[mv - 1][n - 1](mr, kd, a, x + j0, rows, c + j0, ldc, accumulate);
  }
}

#endif
