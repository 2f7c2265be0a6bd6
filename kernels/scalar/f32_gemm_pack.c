#include "kernels/f32_gemm_pack.h"

void cnn_f32_gemm_pack__scalar(size_t width, size_t count, size_t k, const float *src,
                               size_t line_stride, size_t k_stride, float scale,
                               float *dst) {
  cnn_f32_gemm_pack_body(width, count, k, src, line_stride, k_stride, scale, dst);
}
