/* The first n floats of a NEON vector, through a stack copy: NEON has no
 * masked store. n <= 4; nothing past p + n is written. */
#ifndef CNN_KERNELS_NEON_STORE_N_H
#define CNN_KERNELS_NEON_STORE_N_H

#include <arm_neon.h>
#include <stddef.h>
#include <string.h>

static inline void neon_store_n(float *p, float32x4_t v, size_t n) {
  if (n == 4) {
    vst1q_f32(p, v);
    return;
  }
  float part[4];
  vst1q_f32(part, v);
  memcpy(p, part, sizeof(float) * n);
}

#endif
