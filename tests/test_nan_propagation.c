/* A NaN spreads through the layers as it does in PyTorch, on every ISA this
 * CPU runs, so a diverging run cannot hide its NaNs from the non-finite
 * check:
 *  - ReLU keeps NaN (it used to give 0), in every lane and tail position;
 *  - max pooling gives NaN for any window holding one, wherever it sits
 *    (it used to keep a NaN only as the window's first pixel: {0.5, NaN, 3,
 *    1} gave 3), on the 2x2 path and the general one;
 *  - every convolution algorithm, its fused ReLU included, gives NaN at
 *    every output a NaN input, weight or gradient reaches, padding taps
 *    included (the reference skipped them: a NaN weight of a 3x3 filter
 *    over a 6x6 image with padding 1 reached 25 outputs instead of 36);
 *    a NaN gradient reaches every dx pixel whose taps read it. */
#include <math.h>
#include <string.h>

#include "conv/conv_algo.h"
#include "testutil.h"

static size_t count_nan(const float *x, size_t n) {
  size_t count = 0;
  for (size_t i = 0; i < n; i++) count += isnan(x[i]) != 0;
  return count;
}

/* 37 values (a vector of every width, and a tail), NaN at both ends and
 * inside, between negative, zero and positive values. */
static void test_relu(cnn_context *ctx, const char *isa) {
  cnn_tensor x, y;
  CHECK_OK(cnn_tensor_init(&x, 1, 1, 1, 37));
  CHECK_OK(cnn_tensor_init(&y, 1, 1, 1, 37));
  for (int i = 0; i < 37; i++) x.data[i] = i % 5 == 0 ? NAN : (float)(i % 3) - 1.0f;
  x.data[36] = NAN;
  CHECK_OK(cnn_activation_forward(ctx, CNN_ACT_RELU, &x, &y));
  for (int i = 0; i < 37; i++) {
    const float want = isnan(x.data[i]) ? NAN : x.data[i] < 0 ? 0.0f : x.data[i];
    CHECK(isnan(want) ? isnan(y.data[i]) : y.data[i] == want, "%s relu(%g) at %d gave %g",
          isa, x.data[i], i, y.data[i]);
  }
  cnn_tensor_free(&x);
  cnn_tensor_free(&y);
}

/* Max pooling over a 4 x 80 plane of the values {0.5, 3, 1, 2}, where the
 * windows of every third output get a NaN at one of their pixels in turn:
 * the outputs must be NaN exactly where a window holds one. */
static void test_max_pool(cnn_context *ctx, const char *isa, const cnn_pool2d_desc *desc) {
  enum { H = 4, W = 80 };
  int oh, ow;
  CHECK_OK(cnn_pool2d_output_size(H, W, desc, &oh, &ow));
  cnn_tensor x, y;
  CHECK_OK(cnn_tensor_init(&x, 1, 1, H, W));
  CHECK_OK(cnn_tensor_init(&y, 1, 1, oh, ow));
  static const float values[] = {0.5f, 3.0f, 1.0f, 2.0f};
  for (int i = 0; i < H * W; i++) x.data[i] = values[(i + i / W) % 4];
  /* A NaN in the window of every third output, at a pixel that moves
   * through the window (each pixel of it in turn; one in the padding is
   * not placed). */
  int placed = 0;
  for (int oy = 0; oy < oh; oy++)
    for (int ox = 0; ox < ow; ox += 3, placed++) {
      const int iy = oy * desc->stride_h - desc->pad_h + placed % desc->window_h;
      const int ix = ox * desc->stride_w - desc->pad_w + placed / desc->window_h % desc->window_w;
      if (iy >= 0 && iy < H && ix >= 0 && ix < W) x.data[iy * W + ix] = NAN;
    }
  CHECK_OK(cnn_pool2d_forward(ctx, &x, desc, &y));
  for (int oy = 0; oy < oh; oy++)
    for (int ox = 0; ox < ow; ox++) {
      int has_nan = 0;
      for (int r = 0; r < desc->window_h; r++)
        for (int s = 0; s < desc->window_w; s++) {
          const int iy = oy * desc->stride_h - desc->pad_h + r;
          const int ix = ox * desc->stride_w - desc->pad_w + s;
          if (iy >= 0 && iy < H && ix >= 0 && ix < W) has_nan |= isnan(x.data[iy * W + ix]);
        }
      CHECK((isnan(y.data[oy * ow + ox]) != 0) == has_nan,
            "%s max pool %dx%d stride %d pad %d: output (%d, %d) is %g, its window %s NaN",
            isa, desc->window_h, desc->window_w, desc->stride_h, desc->pad_h, oy, ox,
            y.data[oy * ow + ox], has_nan ? "holds a" : "holds no");
    }
  cnn_tensor_free(&x);
  cnn_tensor_free(&y);
}

/* One image of 2 channels, 6x6, 3 filters of 3x3 with padding 1: 36
 * outputs per filter, and every output reads every tap, some of them in
 * the padding. */
static const struct cnn_conv_problem conv = {.n = 1, .c = 2, .h = 6, .w = 6, .k = 3,
                                             .r = 3, .s = 3, .stride_h = 1, .stride_w = 1,
                                             .pad_h = 1, .pad_w = 1, .oh = 6, .ow = 6};

static void test_conv(cnn_context *ctx, const char *isa, const struct cnn_conv_algo *algo) {
  enum { X = 2 * 36, WEIGHTS = 3 * 2 * 9, Y = 3 * 36 };
  float x[X], w[WEIGHTS], bias[3] = {0.5f, -0.5f, 0.25f}, y[Y], dy[Y], dw[WEIGHTS], db[3];
  test_rng rng = test_rng_seeded(11);
  test_fill_uniform(&rng, x, X, -1, 1);
  test_fill_uniform(&rng, w, WEIGHTS, -1, 1);
  test_fill_uniform(&rng, dy, Y, -1, 1);
  char what[160];
  snprintf(what, sizeof what, "%s %s", isa, algo->name);

  /* A NaN corner weight of filter 1 reaches all 36 of its outputs. */
  w[1 * 18 + 9 * 1 + 0] = NAN;
  for (int relu = 0; relu <= 1; relu++) {
    CHECK_OK(cnn_conv_forward_with(ctx, algo, &conv, x, w, bias, relu, y));
    CHECK(count_nan(y, Y) == 36 && count_nan(y + 36, 36) == 36,
          "%s forward%s with a NaN weight: %zu NaN outputs, want the 36 of filter 1", what,
          relu ? "+relu" : "", count_nan(y, Y));
  }
  w[1 * 18 + 9 * 1 + 0] = 0.5f;

  /* A NaN input pixel reaches the 3x3 outputs around it in every filter,
   * through the fused ReLU too. */
  x[36 + 2 * 6 + 3] = NAN;
  for (int relu = 0; relu <= 1; relu++) {
    CHECK_OK(cnn_conv_forward_with(ctx, algo, &conv, x, w, bias, relu, y));
    CHECK(count_nan(y, Y) == 3 * 9, "%s forward%s with a NaN input: %zu NaN outputs, want 27",
          what, relu ? "+relu" : "", count_nan(y, Y));
  }
  x[36 + 2 * 6 + 3] = 0.5f;

  /* A NaN gradient at the corner output (0, 0) of filter 2 reaches its
   * bias and all 18 of its weights: the taps that read padding there too. */
  dy[2 * 36] = NAN;
  CHECK_OK(cnn_conv_backward_weights_with(ctx, algo, &conv, x, dy, dw, db));
  CHECK(count_nan(dw, WEIGHTS) == 18 && count_nan(dw + 2 * 18, 18) == 18 &&
            count_nan(db, 3) == 1 && isnan(db[2]),
        "%s backward-weights with a NaN gradient: %zu NaN weights, %zu NaN biases, want "
        "the 18 and the bias of filter 2",
        what, count_nan(dw, WEIGHTS), count_nan(db, 3));

  /* The same NaN gradient reaches the 2x2 corner of dx in both channels
   * (two channels: the direct algorithms run it on row slots). */
  float dx[X];
  CHECK_OK(cnn_conv_backward_data_with(ctx, algo, &conv, dy, w, dx));
  size_t corner = 0;
  for (int c = 0; c < 2; c++)
    for (int i = 0; i < 2; i++)
      for (int j = 0; j < 2; j++) corner += isnan(dx[c * 36 + i * 6 + j]) != 0;
  CHECK(count_nan(dx, X) == 8 && corner == 8,
        "%s backward-data with a NaN gradient: %zu NaN, %zu in the 2x2 corners, want 8", what,
        count_nan(dx, X), corner);
}

int main(void) {
  cnn_context *ctx;
  CHECK_OK(cnn_context_create(1, &ctx));
  if (!ctx) return test_finish("test_nan_propagation");
  int algo_count;
  const struct cnn_conv_algo *algos = cnn_conv_algos(&algo_count);
  static const cnn_pool2d_desc pools[] = {
      {CNN_POOL_MAX, 2, 2, 2, 2, 0, 0}, /* the 2x2 path of the SIMD kernels */
      {CNN_POOL_MAX, 3, 3, 1, 1, 1, 1}, /* overlapping windows, padding */
      {CNN_POOL_MAX, 3, 3, 2, 2, 0, 0}, /* stride 2, odd windows */
  };
  for (int isa = 0; isa < CNN_ISA_COUNT; isa++) {
    if (cnn_context_set_isa(ctx, (cnn_isa)isa) != CNN_STATUS_OK) continue;
    const char *name = cnn_isa_name((cnn_isa)isa);
    test_relu(ctx, name);
    for (size_t i = 0; i < sizeof pools / sizeof pools[0]; i++) test_max_pool(ctx, name, &pools[i]);
    for (int a = 0; a < algo_count; a++) test_conv(ctx, name, &algos[a]);
  }
  cnn_context_free(ctx);
  return test_finish("test_nan_propagation");
}
