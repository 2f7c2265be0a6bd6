/* Packing of a GEMM operand into zero-padded panels (the layout is in
 * kernels/ukernels.h). One routine serves A and B and every tile width: it
 * walks the source along whichever of its two strides is 1, so both the
 * plain and the transposed operand are read sequentially. */
#include <string.h>

#include "kernels/ukernels.h"

void cnn_f32_gemm_pack__scalar(size_t width, size_t count, size_t k,
                               const float *src, size_t line_stride,
                               size_t k_stride, float scale, float *dst) {
  for (size_t first = 0; first < count; first += width) {
    size_t lines = count - first < width ? count - first : width;
    const float *panel = src + first * line_stride;
    if (lines < width) memset(dst, 0, k * width * sizeof *dst);
    if (line_stride == 1 && scale == 1.0f) {
      /* Lines are contiguous: one copy per depth step. */
      for (size_t p = 0; p < k; p++)
        memcpy(dst + p * width, panel + p * k_stride, lines * sizeof *dst);
    } else if (line_stride == 1) {
      for (size_t p = 0; p < k; p++)
        for (size_t t = 0; t < lines; t++)
          dst[p * width + t] = scale * panel[p * k_stride + t];
    } else {
      /* Depth is contiguous (or neither is): read each line in order. */
      for (size_t t = 0; t < lines; t++)
        for (size_t p = 0; p < k; p++)
          dst[p * width + t] = scale * panel[t * line_stride + p * k_stride];
    }
    dst += k * width;
  }
}
