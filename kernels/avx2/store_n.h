/* The first n floats of an AVX2 vector stored without vmaskmovps, which is
 * slow on AMD cores (measured on Zen 3: lenet_c1's row-slot forward 30%
 * slower, lenet5's 2x2 max poolings 23-36% slower per pass with masked
 * stores, bench-train --profile): in pieces of 4, 2 and 1 floats. n <= 8;
 * nothing past p + n is written. */
#ifndef CNN_KERNELS_AVX2_STORE_N_H
#define CNN_KERNELS_AVX2_STORE_N_H

#include <immintrin.h>
#include <stddef.h>

static inline void avx2_store_n(float *p, __m256 v, size_t n) {
  if (n == 8) {
    _mm256_storeu_ps(p, v);
    return;
  }
  __m128 part = _mm256_castps256_ps128(v);
  if (n & 4) {
    _mm_storeu_ps(p, part);
    part = _mm256_extractf128_ps(v, 1);
    p += 4;
  }
  if (n & 2) {
    _mm_storel_pi((__m64 *)(void *)p, part);
    part = _mm_movehl_ps(part, part);
    p += 2;
  }
  if (n & 1) _mm_store_ss(p, part);
}

#endif
