/* Max and average pooling backward against central differences, with
 * overlapping windows, stride 2, padding, odd sizes, C = 1 and batches
 * above 1. Max pooling's inputs are distinct values 0.05 apart in random
 * order, so a step of 1e-2 never changes which pixel is the largest (no
 * kinks, no ties). Pooling is piecewise linear: tolerance atol 1e-3 +
 * rtol 1e-3 covers float rounding of the outputs over 2 * step. */
#include <math.h>

#include "gradcheck.h"
#include "testutil.h"

#define STEP 1e-2
#define ATOL 1e-3
#define RTOL 1e-3

struct state {
  cnn_context *ctx;
  cnn_tensor x, y, dy;
  cnn_pool2d_desc desc;
};

static double loss(void *opaque) {
  struct state *st = opaque;
  if (cnn_pool2d_forward(st->ctx, &st->x, &st->desc, &st->y) != CNN_STATUS_OK) return NAN;
  return gradcheck_dot(st->y.data, st->dy.data, cnn_tensor_numel(&st->y));
}

/* count distinct values k * 0.05 - 1, in a random order. */
static void fill_distinct(test_rng *rng, float *x, size_t count) {
  for (size_t i = 0; i < count; i++) x[i] = (float)i * 0.05f - 1.0f;
  for (size_t i = count; i > 1; i--) {
    const size_t j = (size_t)test_rng_int(rng, 0, (int)i - 1);
    const float t = x[i - 1];
    x[i - 1] = x[j];
    x[j] = t;
  }
}

static void check_case(cnn_context *ctx, int n, int c, int h, int w,
                       const cnn_pool2d_desc *desc, uint64_t seed) {
  struct state st = {.ctx = ctx, .desc = *desc};
  int oh, ow;
  CHECK_OK(cnn_pool2d_output_size(h, w, desc, &oh, &ow));
  CHECK_OK(cnn_tensor_init(&st.x, n, c, h, w));
  CHECK_OK(cnn_tensor_init(&st.y, n, c, oh, ow));
  CHECK_OK(cnn_tensor_init(&st.dy, n, c, oh, ow));
  cnn_tensor dx;
  CHECK_OK(cnn_tensor_init(&dx, n, c, h, w));
  test_rng rng = test_rng_seeded(seed);
  if (desc->kind == CNN_POOL_MAX)
    fill_distinct(&rng, st.x.data, cnn_tensor_numel(&st.x));
  else
    test_fill_uniform(&rng, st.x.data, cnn_tensor_numel(&st.x), -1, 1);
  test_fill_uniform(&rng, st.dy.data, cnn_tensor_numel(&st.dy), -1, 1);
  CHECK_OK(cnn_pool2d_backward(ctx, &st.x, &st.dy, desc, &dx));
  char what[160];
  snprintf(what, sizeof what,
           "%s pool x(%d,%d,%d,%d) window %dx%d stride %dx%d pad %dx%d seed %llu: dx",
           desc->kind == CNN_POOL_MAX ? "max" : "avg", n, c, h, w, desc->window_h,
           desc->window_w, desc->stride_h, desc->stride_w, desc->pad_h, desc->pad_w,
           (unsigned long long)seed);
  gradcheck(what, st.x.data, cnn_tensor_numel(&st.x), dx.data, loss, &st, STEP, ATOL,
            RTOL);
  cnn_tensor_free(&st.x);
  cnn_tensor_free(&st.y);
  cnn_tensor_free(&st.dy);
  cnn_tensor_free(&dx);
}

int main(void) {
  struct shape {
    int n, c, h, w;
    int window_h, window_w, stride_h, stride_w, pad_h, pad_w;
  };
  static const struct shape shapes[] = {
      {2, 1, 6, 6, 2, 2, 2, 2, 0, 0}, {3, 2, 7, 5, 3, 3, 2, 2, 1, 1},
      {2, 3, 5, 8, 3, 2, 1, 2, 0, 1}, {1, 2, 9, 7, 4, 3, 3, 2, 2, 1},
      {2, 1, 3, 3, 3, 3, 1, 1, 0, 0}, {3, 2, 5, 5, 1, 1, 2, 2, 0, 0},
  };
  cnn_context *ctx;
  CHECK_OK(cnn_context_create(2, &ctx));
  for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++)
    for (int kind = CNN_POOL_MAX; kind <= CNN_POOL_AVG; kind++) {
      const struct shape *s = &shapes[i];
      const cnn_pool2d_desc desc = {(cnn_pool_kind)kind, s->window_h, s->window_w,
                                    s->stride_h, s->stride_w, s->pad_h, s->pad_w};
      check_case(ctx, s->n, s->c, s->h, s->w, &desc, 300 + i);
    }
  /* Random shapes; the seed is in every failure message. */
  test_rng rng = test_rng_seeded(5);
  for (int i = 0; i < 10; i++) {
    const int window_h = test_rng_int(&rng, 1, 4), window_w = test_rng_int(&rng, 1, 4);
    const cnn_pool2d_desc desc = {
        i % 2 ? CNN_POOL_AVG : CNN_POOL_MAX, window_h, window_w,
        test_rng_int(&rng, 1, 3), test_rng_int(&rng, 1, 3),
        test_rng_int(&rng, 0, window_h - 1), test_rng_int(&rng, 0, window_w - 1)};
    check_case(ctx, test_rng_int(&rng, 1, 3), test_rng_int(&rng, 1, 3),
               test_rng_int(&rng, window_h, 9), test_rng_int(&rng, window_w, 9), &desc,
               600 + i);
  }
  cnn_context_free(ctx);
  return test_finish("test_pool2d_grad");
}
