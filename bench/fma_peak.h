/* The FMA peak the benchmarks quote percentages of, measured at start-up:
 * every thread runs a register-resident loop of independent FMA chains of
 * the chosen ISA's widest vectors (enough chains to cover the FMA latency
 * on every port), and the peak is the total FLOPs over the slowest
 * thread's time, the best of a few trials. */
#ifndef CNN_BENCH_FMA_PEAK_H
#define CNN_BENCH_FMA_PEAK_H

#include <time.h>

#include "cnn/runtime.h"

#if defined(__x86_64__)
#include <immintrin.h>
#elif defined(__aarch64__)
#include <arm_neon.h>
#endif
#ifdef _OPENMP
#include <omp.h>
#endif

static inline double bench_now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

enum { BENCH_FMA_CHAINS = 12 };

#if defined(__x86_64__)
__attribute__((target("avx512f"))) static inline float bench_fma_avx512(long iters) {
  __m512 acc[BENCH_FMA_CHAINS];
  const __m512 mul = _mm512_set1_ps(0.999999f), add = _mm512_set1_ps(1e-7f);
  for (int j = 0; j < BENCH_FMA_CHAINS; j++) acc[j] = _mm512_set1_ps((float)j);
  for (long i = 0; i < iters; i++)
    for (int j = 0; j < BENCH_FMA_CHAINS; j++) acc[j] = _mm512_fmadd_ps(acc[j], mul, add);
  __m512 sum = acc[0];
  for (int j = 1; j < BENCH_FMA_CHAINS; j++) sum = _mm512_add_ps(sum, acc[j]);
  /* Two lanes keep the result live; _mm512_reduce_add_ps trips a false
   * -Wuninitialized of GCC 12 in C++. */
  float lanes[16];
  _mm512_storeu_ps(lanes, sum);
  return lanes[0] + lanes[15];
}

__attribute__((target("avx2,fma"))) static inline float bench_fma_avx2(long iters) {
  __m256 acc[BENCH_FMA_CHAINS];
  const __m256 mul = _mm256_set1_ps(0.999999f), add = _mm256_set1_ps(1e-7f);
  for (int j = 0; j < BENCH_FMA_CHAINS; j++) acc[j] = _mm256_set1_ps((float)j);
  for (long i = 0; i < iters; i++)
    for (int j = 0; j < BENCH_FMA_CHAINS; j++) acc[j] = _mm256_fmadd_ps(acc[j], mul, add);
  __m256 sum = acc[0];
  for (int j = 1; j < BENCH_FMA_CHAINS; j++) sum = _mm256_add_ps(sum, acc[j]);
  float lanes[8];
  _mm256_storeu_ps(lanes, sum);
  return lanes[0] + lanes[7];
}
#elif defined(__aarch64__)
static inline float bench_fma_neon(long iters) {
  float32x4_t acc[BENCH_FMA_CHAINS];
  const float32x4_t mul = vdupq_n_f32(0.999999f), add = vdupq_n_f32(1e-7f);
  for (int j = 0; j < BENCH_FMA_CHAINS; j++) acc[j] = vdupq_n_f32((float)j);
  for (long i = 0; i < iters; i++)
    for (int j = 0; j < BENCH_FMA_CHAINS; j++) acc[j] = vfmaq_f32(add, acc[j], mul);
  float32x4_t sum = acc[0];
  for (int j = 1; j < BENCH_FMA_CHAINS; j++) sum = vaddq_f32(sum, acc[j]);
  return vaddvq_f32(sum);
}
#endif

/* Scalar: separate multiply and add (the scalar kernels never fuse). */
static inline float bench_fma_scalar(long iters) {
  volatile float seed = 0.999999f;
  float acc[BENCH_FMA_CHAINS], mul = seed;
  for (int j = 0; j < BENCH_FMA_CHAINS; j++) acc[j] = (float)j;
  for (long i = 0; i < iters; i++)
    for (int j = 0; j < BENCH_FMA_CHAINS; j++) acc[j] = acc[j] * mul + 1e-7f;
  float sum = 0.0f;
  for (int j = 0; j < BENCH_FMA_CHAINS; j++) sum += acc[j];
  return sum;
}

/* FLOPs of one iteration of the loop of isa. */
static inline double bench_fma_flops_per_iter(cnn_isa isa) {
  const int lanes = isa == CNN_ISA_AVX512 ? 16 : isa == CNN_ISA_AVX2 ? 8
                    : isa == CNN_ISA_NEON ? 4 : 1;
  return 2.0 * lanes * BENCH_FMA_CHAINS;
}

static inline float bench_fma_run(cnn_isa isa, long iters) {
  switch (isa) {
#if defined(__x86_64__)
    case CNN_ISA_AVX512: return bench_fma_avx512(iters);
    case CNN_ISA_AVX2: return bench_fma_avx2(iters);
#elif defined(__aarch64__)
    case CNN_ISA_NEON: return bench_fma_neon(iters);
#endif
    default: return bench_fma_scalar(iters);
  }
}

/* GFLOP/s of `threads` threads running the loop at once, timed by now(). */
static inline double bench_fma_peak_timed(cnn_isa isa, int threads, double (*now)(void)) {
  const long iters = 20 * 1000 * 1000;
  double best = 0.0;
  volatile float sink = 0.0f;
  for (int trial = 0; trial < 3; trial++) {
    double start = now(), end = start;
#ifdef _OPENMP
#pragma omp parallel num_threads(threads)
#endif
    {
      float r = bench_fma_run(isa, iters);
#ifdef _OPENMP
#pragma omp critical
#endif
      sink += r;
    }
    end = now();
    const double gflops = bench_fma_flops_per_iter(isa) * (double)iters * threads / (end - start) * 1e-9;
    if (gflops > best) best = gflops;
  }
  (void)sink;
  return best;
}

/* The same on the wall clock. */
static inline double bench_fma_peak(cnn_isa isa, int threads) {
  return bench_fma_peak_timed(isa, threads, bench_now);
}

#endif
