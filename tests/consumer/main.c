/* A 3x3 convolution with padding 1 over a batch of two 8x8 images. */
#include <stdio.h>

#include <cnn/cnn.h>

int main(void) {
  cnn_context *ctx = NULL;
  cnn_tensor x = {0}, w = {0}, b = {0}, y = {0};
  const cnn_conv2d_desc conv = {.stride_h = 1, .stride_w = 1, .pad_h = 1, .pad_w = 1};
  int oh = 0, ow = 0;
  cnn_status st = cnn_context_create(0, &ctx); /* 0: CNN_NUM_THREADS or all cores */
  if (!st) st = cnn_tensor_init(&x, 2, 1, 8, 8); /* N, C, H, W; zero-filled */
  if (!st) st = cnn_tensor_init(&w, 4, 1, 3, 3); /* K, C, R, S */
  if (!st) st = cnn_tensor_init(&b, 4, 1, 1, 1);
  if (!st) st = cnn_conv2d_output_size(8, 8, 3, 3, &conv, &oh, &ow);
  if (!st) st = cnn_tensor_init(&y, 2, 4, oh, ow);
  if (!st) {
    for (size_t i = 0; i < cnn_tensor_numel(&x); i++) x.data[i] = 1.0f;
    for (size_t i = 0; i < cnn_tensor_numel(&w); i++) w.data[i] = 0.5f;
    st = cnn_conv2d_forward(ctx, &x, &w, &b, &conv, &y);
  }
  if (st) {
    fprintf(stderr, "cnn: %s: %s\n", cnn_status_str(st), cnn_last_error());
  } else { /* inside: 9 taps of 1 * 0.5; a corner sees 4 of them */
    printf("y (%d,%d,%d,%d): centre %g, corner %g\n", y.n, y.c, y.h, y.w,
           y.data[4 * ow + 4], y.data[0]);
    if (y.data[4 * ow + 4] != 4.5f || y.data[0] != 2.0f) st = CNN_STATUS_NUMERIC_ERROR;
  }
  cnn_tensor_free(&y);
  cnn_tensor_free(&b);
  cnn_tensor_free(&w);
  cnn_tensor_free(&x);
  cnn_context_free(ctx);
  return st ? 1 : 0;
}
