/* The scalar B-panel gathering kernel: every ISA's twin, and the scalar,
 * AVX2 and NEON ISAs' own (their panels are narrow enough that plain loops
 * keep up). */
#include "kernels/ukernels.h"

void cnn_f32_conv_pack_ukernel__scalar(size_t kc, size_t nr, const float *x,
                                       const int32_t *rows, float *dst) {
  for (size_t j = 0; j < nr; j++) {
    const float *row = x + rows[j];
    for (size_t o = 0; o < kc; o++) dst[o * nr + j] = row[o];
  }
}
