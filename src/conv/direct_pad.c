#include "conv/direct_pad.h"

#include <stddef.h>

void cnn_direct_pad_interior(int channels, int src_h, int src_w, const float *src, int h,
                             int w, int top, int left, float *dst) {
  for (int c = 0; c < channels; c++) {
    float *plane = dst + (size_t)c * h * w + (size_t)top * w + left;
    const float *image = src + (size_t)c * src_h * src_w;
    /* Rows of a few dozen floats: a plain loop, no library call per row. */
    for (int y = 0; y < src_h; y++)
      for (int x = 0; x < src_w; x++) plane[(size_t)y * w + x] = image[(size_t)y * src_w + x];
  }
}
