/* AVX2 pooling kernels: eight output columns at a time, partial vectors
 * through masked loads (which never touch the masked-off addresses) and
 * piecewise stores. The loops are kernels/f32_pool_simd.h. */
#include <immintrin.h>
#include <math.h>

#include "kernels/avx2/store_n.h"

typedef __m256 pool_vec;
#define POOL_LANES 8

/* Lanes i < n set. */
static inline __m256i pool_mask(int n) {
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

static inline pool_vec pool_load(const float *p, int n) {
  return n == POOL_LANES ? _mm256_loadu_ps(p) : _mm256_maskload_ps(p, pool_mask(n));
}

static inline pool_vec pool_load_even(const float *p, int n) {
  const int count = 2 * n - 1;
  const __m256 lo = pool_load(p, count < 8 ? count : 8);
  const __m256 hi = _mm256_maskload_ps(p + 8, pool_mask(count - 8));
  /* [lo0 lo2 hi0 hi2 | lo4 lo6 hi4 hi6], then the 64-bit pairs reordered */
  const __m256 pairs = _mm256_shuffle_ps(lo, hi, _MM_SHUFFLE(2, 0, 2, 0));
  return _mm256_castpd_ps(
      _mm256_permute4x64_pd(_mm256_castps_pd(pairs), _MM_SHUFFLE(3, 1, 2, 0)));
}

static inline void pool_load_pairs(const float *p, int n, pool_vec *even, pool_vec *odd) {
  const __m256 lo = pool_load(p, 2 * n < 8 ? 2 * n : 8);
  const __m256 hi = _mm256_maskload_ps(p + 8, pool_mask(2 * n - 8));
  /* [lo0 lo2 hi0 hi2 | lo4 lo6 hi4 hi6] and the odd twin, pairs reordered */
  const __m256 evens = _mm256_shuffle_ps(lo, hi, _MM_SHUFFLE(2, 0, 2, 0));
  const __m256 odds = _mm256_shuffle_ps(lo, hi, _MM_SHUFFLE(3, 1, 3, 1));
  *even = _mm256_castpd_ps(
      _mm256_permute4x64_pd(_mm256_castps_pd(evens), _MM_SHUFFLE(3, 1, 2, 0)));
  *odd = _mm256_castpd_ps(
      _mm256_permute4x64_pd(_mm256_castps_pd(odds), _MM_SHUFFLE(3, 1, 2, 0)));
}

static inline void pool_store(float *p, pool_vec v, int n) { avx2_store_n(p, v, (size_t)n); }

static inline pool_vec pool_splat(float f) { return _mm256_set1_ps(f); }
static inline pool_vec pool_add(pool_vec a, pool_vec b) { return _mm256_add_ps(a, b); }
static inline pool_vec pool_mul(pool_vec a, pool_vec b) { return _mm256_mul_ps(a, b); }
/* maxps returns its second operand unless the first is greater. */
static inline pool_vec pool_max_first(pool_vec v, pool_vec acc) { return _mm256_max_ps(v, acc); }

typedef __m256 pool_flags;
static inline pool_flags pool_no_flags(void) { return _mm256_setzero_ps(); }
static inline pool_flags pool_flag_nan(pool_flags f, pool_vec a, pool_vec b) {
  return _mm256_or_ps(f, _mm256_cmp_ps(a, b, _CMP_UNORD_Q));
}
static inline pool_vec pool_nan_where(pool_flags f, pool_vec v) {
  return _mm256_blendv_ps(v, _mm256_set1_ps(NAN), f);
}

static inline void pool_argmax_step(pool_vec v, float tap, pool_vec *acc, pool_vec *best) {
  const __m256 greater = _mm256_cmp_ps(v, *acc, _CMP_GT_OQ);
  *acc = _mm256_blendv_ps(*acc, v, greater);
  *best = _mm256_blendv_ps(*best, _mm256_set1_ps(tap), greater);
}

static inline pool_vec pool_pick(pool_vec best, float tap, pool_vec v) {
  return _mm256_and_ps(_mm256_cmp_ps(best, _mm256_set1_ps(tap), _CMP_EQ_OQ), v);
}

static inline pool_vec pool_positive_one(pool_vec v) {
  return _mm256_and_ps(_mm256_cmp_ps(v, _mm256_setzero_ps(), _CMP_GT_OQ), _mm256_set1_ps(1.0f));
}

static inline void pool_store_pairs(float *p, pool_vec a, pool_vec b, int count) {
  const __m256 lo = _mm256_unpacklo_ps(a, b), hi = _mm256_unpackhi_ps(a, b);
  /* lo = a0 b0 a1 b1 | a4 b4 a5 b5, hi = a2 b2 a3 b3 | a6 b6 a7 b7 */
  pool_store(p, _mm256_permute2f128_ps(lo, hi, 0x20), count < 8 ? count : 8);
  if (count > 8) pool_store(p + 8, _mm256_permute2f128_ps(lo, hi, 0x31), count - 8);
}

#include "kernels/f32_pool_simd.h"

void cnn_f32_maxpool_ukernel__avx2(const struct cnn_pool_problem *p, const float *x,
                                   float *y) {
  pool_simd_max_fwd(p, x, y);
}

void cnn_f32_maxpool_bwd_ukernel__avx2(const struct cnn_pool_problem *p, const float *x,
                                       const float *dy, float *dx) {
  pool_simd_max_bwd(p, x, dy, dx);
}

void cnn_f32_avgpool_ukernel__avx2(const struct cnn_pool_problem *p, const float *x,
                                   float *y) {
  pool_simd_avg_fwd(p, x, y);
}

void cnn_f32_avgpool_bwd_ukernel__avx2(const struct cnn_pool_problem *p, const float *x,
                                       const float *dy, float *dx) {
  (void)x;
  pool_simd_avg_bwd(p, dy, dx);
}
