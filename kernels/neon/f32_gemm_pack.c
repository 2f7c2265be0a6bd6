/* Packing for the 8x12 kernel: the widths it packs get their own copy of
 * the body, compiled with the width as a constant. */
#include "kernels/f32_gemm_pack.h"

void cnn_f32_gemm_pack__neon(size_t width, size_t count, size_t k, const float *src,
                             size_t line_stride, size_t k_stride, float scale, float *dst) {
  switch (width) {
    case 8: cnn_f32_gemm_pack_body(8, count, k, src, line_stride, k_stride, scale, dst); break;
    case 12: cnn_f32_gemm_pack_body(12, count, k, src, line_stride, k_stride, scale, dst); break;
    default: cnn_f32_gemm_pack_body(width, count, k, src, line_stride, k_stride, scale, dst);
  }
}
