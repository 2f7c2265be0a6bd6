/* Conv2d backward (dx, dweight, dbias) against central differences, on
 * shapes with stride 2, padding, odd sizes, C = 1, 1x1 filters and batches
 * above 1, at 2 threads (so the per-thread partial sums are reduced).
 * Tolerance: atol 2e-3 + rtol 2e-3. Conv is linear in each argument, so
 * the difference has no truncation error; what remains is float rounding of
 * the outputs, about 1e-6 / (2 * step) = 5e-5. */
#include <math.h>
#include <stdlib.h>

#include "gradcheck.h"
#include "testutil.h"

#define STEP 1e-2
#define ATOL 2e-3
#define RTOL 2e-3

struct conv_case {
  int n, c, h, w, k, r, s;
  cnn_conv2d_desc desc;
};

struct state {
  cnn_context *ctx;
  cnn_tensor x, weight, bias, y, dy;
  cnn_conv2d_desc desc;
};

static double loss(void *opaque) {
  struct state *st = opaque;
  if (cnn_conv2d_forward(st->ctx, &st->x, &st->weight, &st->bias, &st->desc, &st->y) !=
      CNN_STATUS_OK)
    return NAN;
  return gradcheck_dot(st->y.data, st->dy.data, cnn_tensor_numel(&st->y));
}

static void check_case(cnn_context *ctx, const struct conv_case *cc, uint64_t seed) {
  struct state st = {.ctx = ctx, .desc = cc->desc};
  int oh, ow;
  CHECK_OK(cnn_conv2d_output_size(cc->h, cc->w, cc->r, cc->s, &cc->desc, &oh, &ow));
  CHECK_OK(cnn_tensor_init(&st.x, cc->n, cc->c, cc->h, cc->w));
  CHECK_OK(cnn_tensor_init(&st.weight, cc->k, cc->c, cc->r, cc->s));
  CHECK_OK(cnn_tensor_init(&st.bias, cc->k, 1, 1, 1));
  CHECK_OK(cnn_tensor_init(&st.y, cc->n, cc->k, oh, ow));
  CHECK_OK(cnn_tensor_init(&st.dy, cc->n, cc->k, oh, ow));
  cnn_tensor dx, dweight, dbias;
  CHECK_OK(cnn_tensor_init(&dx, cc->n, cc->c, cc->h, cc->w));
  CHECK_OK(cnn_tensor_init(&dweight, cc->k, cc->c, cc->r, cc->s));
  CHECK_OK(cnn_tensor_init(&dbias, cc->k, 1, 1, 1));
  test_rng rng = test_rng_seeded(seed);
  test_fill_uniform(&rng, st.x.data, cnn_tensor_numel(&st.x), -1, 1);
  test_fill_uniform(&rng, st.weight.data, cnn_tensor_numel(&st.weight), -1, 1);
  test_fill_uniform(&rng, st.bias.data, cnn_tensor_numel(&st.bias), -1, 1);
  test_fill_uniform(&rng, st.dy.data, cnn_tensor_numel(&st.dy), -1, 1);
  CHECK_OK(cnn_conv2d_backward(ctx, &st.x, &st.weight, &st.dy, &cc->desc, &dx,
                               &dweight, &dbias));

  char what[160];
  snprintf(what, sizeof what,
           "conv x(%d,%d,%d,%d) w(%d,%d,%d,%d) stride %dx%d pad %dx%d seed %llu",
           cc->n, cc->c, cc->h, cc->w, cc->k, cc->c, cc->r, cc->s, cc->desc.stride_h,
           cc->desc.stride_w, cc->desc.pad_h, cc->desc.pad_w, (unsigned long long)seed);
  char part[200];
  snprintf(part, sizeof part, "%s: dx", what);
  gradcheck(part, st.x.data, cnn_tensor_numel(&st.x), dx.data, loss, &st, STEP, ATOL, RTOL);
  snprintf(part, sizeof part, "%s: dweight", what);
  gradcheck(part, st.weight.data, cnn_tensor_numel(&st.weight), dweight.data, loss, &st,
            STEP, ATOL, RTOL);
  snprintf(part, sizeof part, "%s: dbias", what);
  gradcheck(part, st.bias.data, cnn_tensor_numel(&st.bias), dbias.data, loss, &st, STEP,
            ATOL, RTOL);

  /* Without dweight, dbias alone comes from its own path: same values. */
  cnn_tensor dbias_alone;
  CHECK_OK(cnn_tensor_init(&dbias_alone, cc->k, 1, 1, 1));
  CHECK_OK(cnn_conv2d_backward(ctx, &st.x, &st.weight, &st.dy, &cc->desc, NULL, NULL,
                               &dbias_alone));
  snprintf(part, sizeof part, "%s: dbias without dweight", what);
  test_close(part, dbias_alone.data, dbias.data, (size_t)cc->k, 1e-5, 1e-5);

  cnn_tensor *all[] = {&st.x, &st.weight, &st.bias, &st.y, &st.dy,
                       &dx,   &dweight,   &dbias,   &dbias_alone};
  for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) cnn_tensor_free(all[i]);
}

int main(void) {
  static const struct conv_case cases[] = {
      {2, 1, 5, 5, 2, 3, 3, {1, 1, 0, 0}},
      {3, 2, 7, 6, 3, 3, 2, {2, 2, 1, 1}},
      {2, 3, 6, 5, 2, 1, 1, {1, 1, 0, 0}}, /* pointwise: no im2col */
      {1, 2, 5, 7, 3, 3, 3, {2, 1, 2, 1}},
      {2, 2, 4, 5, 1, 4, 5, {1, 1, 0, 0}}, /* filter as large as the image */
      {3, 1, 9, 8, 2, 5, 3, {3, 2, 2, 1}},
      {2, 2, 3, 3, 2, 1, 1, {2, 2, 1, 0}}, /* 1x1 with stride and padding */
  };
  cnn_context *ctx;
  CHECK_OK(cnn_context_create(2, &ctx));
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) check_case(ctx, &cases[i], 100 + i);

  /* Random shapes; the seed is in every failure message. */
  test_rng rng = test_rng_seeded(7);
  for (int i = 0; i < 6; i++) {
    struct conv_case cc = {test_rng_int(&rng, 1, 3), test_rng_int(&rng, 1, 3),
                           test_rng_int(&rng, 3, 8), test_rng_int(&rng, 3, 8),
                           test_rng_int(&rng, 1, 3), test_rng_int(&rng, 1, 3),
                           test_rng_int(&rng, 1, 3),
                           {test_rng_int(&rng, 1, 2), test_rng_int(&rng, 1, 2),
                            test_rng_int(&rng, 0, 2), test_rng_int(&rng, 0, 2)}};
    check_case(ctx, &cc, 1000 + i);
  }
  cnn_context_free(ctx);
  return test_finish("test_conv2d_grad");
}
