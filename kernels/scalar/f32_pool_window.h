/* Internal to the pooling kernels: one window at a time, in the order the
 * scalar kernels define (row-major over the window's real pixels). The SIMD
 * kernels use them for the output columns whose windows reach into the
 * padding, so every column of every kernel folds in the same order. */
#ifndef CNN_KERNELS_F32_POOL_WINDOW_H
#define CNN_KERNELS_F32_POOL_WINDOW_H

#include <stddef.h>

#include "kernels/ukernels.h"

/* The first largest real pixel of the window of output (oy, ox), as an
 * offset into the plane. */
size_t cnn_f32_pool_argmax__scalar(const struct cnn_pool_problem *p, const float *x,
                                   int oy, int ox);
/* The forward output of a max window: its first largest real pixel, or NAN
 * when it holds a NaN. */
float cnn_f32_pool_max__scalar(const struct cnn_pool_problem *p, const float *x, int oy,
                               int ox);
/* 0.0f plus the window's real pixels, added in row-major order. */
float cnn_f32_pool_window_sum__scalar(const struct cnn_pool_problem *p, const float *x,
                                      int oy, int ox);
/* Adds share to every real pixel of the window, in row-major order. */
void cnn_f32_pool_window_add__scalar(const struct cnn_pool_problem *p, float *dx,
                                     int oy, int ox, float share);
/* dx[i] *= (x[i] > 0 ? 1 : 0) over the n pixels of a plane: the gradient of
 * the ReLU whose output x is (relu_grad of struct cnn_pool_problem). */
void cnn_f32_pool_relu_grad__scalar(size_t n, const float *x, float *dx);

#endif
