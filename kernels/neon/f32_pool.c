/* NEON pooling kernels: four output columns at a time; partial vectors go
 * through a small stack copy, so nothing past the n valid values is read or
 * written. The loops are kernels/f32_pool_simd.h. */
#include <arm_neon.h>
#include <math.h>
#include <string.h>

#include "kernels/neon/store_n.h"

typedef float32x4_t pool_vec;
#define POOL_LANES 4

static inline pool_vec pool_load(const float *p, int n) {
  if (n == POOL_LANES) return vld1q_f32(p);
  float part[POOL_LANES] = {0};
  memcpy(part, p, sizeof(float) * (size_t)n);
  return vld1q_f32(part);
}

/* p[0..6] for four lanes: the evens of p[0..3], then p[4] and p[6] as the
 * odd lanes of p[3..6]. */
static inline pool_vec pool_load_even(const float *p, int n) {
  if (n == POOL_LANES) {
    const float32x4_t lo = vld1q_f32(p), hi = vld1q_f32(p + 3);
    return vcombine_f32(vget_low_f32(vuzp1q_f32(lo, lo)), vget_low_f32(vuzp2q_f32(hi, hi)));
  }
  float part[POOL_LANES] = {0};
  for (int i = 0; i < n; i++) part[i] = p[2 * i];
  return vld1q_f32(part);
}

static inline void pool_load_pairs(const float *p, int n, pool_vec *even, pool_vec *odd) {
  if (n == POOL_LANES) {
    const float32x4x2_t pairs = vld2q_f32(p);
    *even = pairs.val[0];
    *odd = pairs.val[1];
    return;
  }
  float evens[POOL_LANES] = {0}, odds[POOL_LANES] = {0};
  for (int i = 0; i < n; i++) {
    evens[i] = p[2 * i];
    odds[i] = p[2 * i + 1];
  }
  *even = vld1q_f32(evens);
  *odd = vld1q_f32(odds);
}

static inline void pool_store(float *p, pool_vec v, int n) { neon_store_n(p, v, (size_t)n); }

static inline pool_vec pool_splat(float f) { return vdupq_n_f32(f); }
static inline pool_vec pool_add(pool_vec a, pool_vec b) { return vaddq_f32(a, b); }
static inline pool_vec pool_mul(pool_vec a, pool_vec b) { return vmulq_f32(a, b); }
/* Not vmaxq: it returns NaN for a NaN in either operand. */
static inline pool_vec pool_max_first(pool_vec v, pool_vec acc) {
  return vbslq_f32(vcgtq_f32(v, acc), v, acc);
}

typedef uint32x4_t pool_flags;
static inline pool_flags pool_no_flags(void) { return vdupq_n_u32(0); }
/* a == a and b == b only where neither is NaN. */
static inline pool_flags pool_flag_nan(pool_flags f, pool_vec a, pool_vec b) {
  return vornq_u32(f, vandq_u32(vceqq_f32(a, a), vceqq_f32(b, b)));
}
static inline pool_vec pool_nan_where(pool_flags f, pool_vec v) {
  return vbslq_f32(f, vdupq_n_f32(NAN), v);
}

static inline void pool_argmax_step(pool_vec v, float tap, pool_vec *acc, pool_vec *best) {
  const uint32x4_t greater = vcgtq_f32(v, *acc);
  *acc = vbslq_f32(greater, v, *acc);
  *best = vbslq_f32(greater, vdupq_n_f32(tap), *best);
}

static inline pool_vec pool_pick(pool_vec best, float tap, pool_vec v) {
  return vreinterpretq_f32_u32(
      vandq_u32(vceqq_f32(best, vdupq_n_f32(tap)), vreinterpretq_u32_f32(v)));
}

static inline pool_vec pool_positive_one(pool_vec v) {
  return vreinterpretq_f32_u32(vandq_u32(vcgtq_f32(v, vdupq_n_f32(0.0f)),
                                         vreinterpretq_u32_f32(vdupq_n_f32(1.0f))));
}

static inline void pool_store_pairs(float *p, pool_vec a, pool_vec b, int count) {
  pool_store(p, vzip1q_f32(a, b), count < 4 ? count : 4);
  if (count > 4) pool_store(p + 4, vzip2q_f32(a, b), count - 4);
}

#include "kernels/f32_pool_simd.h"

void cnn_f32_maxpool_ukernel__neon(const struct cnn_pool_problem *p, const float *x,
                                   float *y) {
  pool_simd_max_fwd(p, x, y);
}

void cnn_f32_maxpool_bwd_ukernel__neon(const struct cnn_pool_problem *p, const float *x,
                                       const float *dy, float *dx) {
  pool_simd_max_bwd(p, x, dy, dx);
}

void cnn_f32_avgpool_ukernel__neon(const struct cnn_pool_problem *p, const float *x,
                                   float *y) {
  pool_simd_avg_fwd(p, x, y);
}

void cnn_f32_avgpool_bwd_ukernel__neon(const struct cnn_pool_problem *p, const float *x,
                                       const float *dy, float *dx) {
  (void)x;
  pool_simd_avg_bwd(p, dy, dx);
}
