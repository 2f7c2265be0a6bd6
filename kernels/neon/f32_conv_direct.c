/* NEON direct-convolution micro-kernels: 6 output channels x 16
 * positions (4 q registers per channel, 24 accumulators), and the
 * channel-vectorised 16 channels x 24 positions; the bodies are
 * kernels/f32_conv_direct_simd.h and kernels/f32_conv_direct_k_simd.h. */
#include <arm_neon.h>

enum { MR = 6, NV = 4, VL = 4, MV = 4, ACC = 24 };
typedef float32x4_t cd_vec;
typedef float cd_bcast;
#define cd_zero() vdupq_n_f32(0.0f)
#define cd_load(p) vld1q_f32(p)
#define cd_store(p, v) vst1q_f32((p), (v))
#define cd_add(a, b) vaddq_f32((a), (b))
#define cd_broadcast(p) (*(p))
#define cd_store_t cd_store_t_plain
#define cd_fma(acc, b, w) vfmaq_n_f32((acc), (b), (w))

#include "kernels/f32_conv_direct_simd.h"
#include "kernels/f32_conv_direct_k_simd.h"

void cnn_f32_conv_direct_ukernel_6x16__neon(size_t mr, size_t nr, size_t kd,
                                            const float *a, const float *x,
                                            const int32_t *rows, float *c, size_t ldc,
                                            int accumulate) {
  conv_direct(mr, nr, kd, a, x, rows, c, ldc, accumulate);
}

/* NEON: 24 accumulators and up to 4 filter vectors of 32 registers. */
void cnn_f32_conv_direct_k_ukernel_16x24__neon(size_t mr, size_t nr, size_t kd,
                                               const float *a, const float *x,
                                               const int32_t *rows, float *c, size_t ldc,
                                               int accumulate) {
  conv_direct_k(mr, nr, kd, a, x, rows, c, ldc, accumulate);
}
