/* AVX-512 pooling kernels: sixteen output columns at a time, partial
 * vectors through masked loads and stores (masked-off addresses are never
 * touched). The loops are kernels/f32_pool_simd.h. */
#include <immintrin.h>
#include <math.h>

typedef __m512 pool_vec;
#define POOL_LANES 16

/* Lanes i < n set; n <= 0 gives none. */
static inline __mmask16 pool_mask(int n) {
  return n >= 16 ? (__mmask16)0xFFFF : n <= 0 ? 0 : (__mmask16)((1u << n) - 1);
}

static inline pool_vec pool_load(const float *p, int n) {
  return n == POOL_LANES ? _mm512_loadu_ps(p) : _mm512_maskz_loadu_ps(pool_mask(n), p);
}

static inline pool_vec pool_load_even(const float *p, int n) {
  const int count = 2 * n - 1;
  const __m512 lo = _mm512_maskz_loadu_ps(pool_mask(count), p);
  const __m512 hi = _mm512_maskz_loadu_ps(pool_mask(count - 16), p + 16);
  const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24,
                                         26, 28, 30);
  return _mm512_permutex2var_ps(lo, even, hi);
}

static inline void pool_load_pairs(const float *p, int n, pool_vec *even, pool_vec *odd) {
  const __m512 lo = pool_load(p, 2 * n), hi = pool_load(p + 16, 2 * n - 16);
  const __m512i evens = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24,
                                          26, 28, 30);
  *even = _mm512_permutex2var_ps(lo, evens, hi);
  *odd = _mm512_permutex2var_ps(lo, _mm512_add_epi32(evens, _mm512_set1_epi32(1)), hi);
}

static inline void pool_store(float *p, pool_vec v, int n) {
  if (n == POOL_LANES) _mm512_storeu_ps(p, v);
  else _mm512_mask_storeu_ps(p, pool_mask(n), v);
}

static inline pool_vec pool_splat(float f) { return _mm512_set1_ps(f); }
static inline pool_vec pool_add(pool_vec a, pool_vec b) { return _mm512_add_ps(a, b); }
static inline pool_vec pool_mul(pool_vec a, pool_vec b) { return _mm512_mul_ps(a, b); }
/* maxps returns its second operand unless the first is greater. */
static inline pool_vec pool_max_first(pool_vec v, pool_vec acc) { return _mm512_max_ps(v, acc); }

typedef __mmask16 pool_flags;
static inline pool_flags pool_no_flags(void) { return 0; }
static inline pool_flags pool_flag_nan(pool_flags f, pool_vec a, pool_vec b) {
  return f | _mm512_cmp_ps_mask(a, b, _CMP_UNORD_Q);
}
static inline pool_vec pool_nan_where(pool_flags f, pool_vec v) {
  return _mm512_mask_mov_ps(v, f, _mm512_set1_ps(NAN));
}

static inline void pool_argmax_step(pool_vec v, float tap, pool_vec *acc, pool_vec *best) {
  const __mmask16 greater = _mm512_cmp_ps_mask(v, *acc, _CMP_GT_OQ);
  *acc = _mm512_mask_blend_ps(greater, *acc, v);
  *best = _mm512_mask_blend_ps(greater, *best, _mm512_set1_ps(tap));
}

static inline pool_vec pool_pick(pool_vec best, float tap, pool_vec v) {
  return _mm512_maskz_mov_ps(_mm512_cmp_ps_mask(best, _mm512_set1_ps(tap), _CMP_EQ_OQ), v);
}

static inline pool_vec pool_positive_one(pool_vec v) {
  return _mm512_maskz_mov_ps(_mm512_cmp_ps_mask(v, _mm512_setzero_ps(), _CMP_GT_OQ),
                             _mm512_set1_ps(1.0f));
}

static inline void pool_store_pairs(float *p, pool_vec a, pool_vec b, int count) {
  const __m512i first = _mm512_setr_epi32(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22,
                                          7, 23);
  const __m512i second = _mm512_add_epi32(first, _mm512_set1_epi32(8));
  pool_store(p, _mm512_permutex2var_ps(a, first, b), count < 16 ? count : 16);
  if (count > 16) pool_store(p + 16, _mm512_permutex2var_ps(a, second, b), count - 16);
}

#include "kernels/f32_pool_simd.h"

void cnn_f32_maxpool_ukernel__avx512(const struct cnn_pool_problem *p, const float *x,
                                     float *y) {
  pool_simd_max_fwd(p, x, y);
}

void cnn_f32_maxpool_bwd_ukernel__avx512(const struct cnn_pool_problem *p,
                                         const float *x, const float *dy, float *dx) {
  pool_simd_max_bwd(p, x, dy, dx);
}

void cnn_f32_avgpool_ukernel__avx512(const struct cnn_pool_problem *p, const float *x,
                                     float *y) {
  pool_simd_avg_fwd(p, x, y);
}

void cnn_f32_avgpool_bwd_ukernel__avx512(const struct cnn_pool_problem *p,
                                         const float *x, const float *dy, float *dx) {
  (void)x;
  pool_simd_avg_bwd(p, dy, dx);
}
