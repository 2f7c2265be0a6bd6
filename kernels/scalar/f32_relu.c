#include "kernels/ukernels.h"

void cnn_f32_relu_ukernel__scalar(size_t n, const float *x, float *y) {
  for (size_t i = 0; i < n; i++) y[i] = cnn_f32_relu(x[i]);
}

void cnn_f32_relu_bwd_ukernel__scalar(size_t n, const float *y, const float *dy,
                                      float *dx) {
  for (size_t i = 0; i < n; i++) dx[i] = dy[i] * (y[i] > 0.0f ? 1.0f : 0.0f);
}
