/* Affine backward (dx, dweight, dbias) against central differences, with
 * x given as images (C, H, W > 1) and as flat rows, batches of 1 and more.
 * Affine is linear in each argument: tolerance atol 1e-3 + rtol 1e-3
 * covers float rounding of the outputs over 2 * step. */
#include <math.h>

#include "gradcheck.h"
#include "testutil.h"

#define STEP 1e-2
#define ATOL 1e-3
#define RTOL 1e-3

struct state {
  cnn_context *ctx;
  cnn_tensor x, weight, bias, y, dy;
};

static double loss(void *opaque) {
  struct state *st = opaque;
  if (cnn_affine_forward(st->ctx, &st->x, &st->weight, &st->bias, &st->y) != CNN_STATUS_OK)
    return NAN;
  return gradcheck_dot(st->y.data, st->dy.data, cnn_tensor_numel(&st->y));
}

static void check_case(cnn_context *ctx, int n, int c, int h, int w, int outputs,
                       uint64_t seed) {
  struct state st = {.ctx = ctx};
  const int d = c * h * w;
  CHECK_OK(cnn_tensor_init(&st.x, n, c, h, w));
  CHECK_OK(cnn_tensor_init(&st.weight, outputs, d, 1, 1));
  CHECK_OK(cnn_tensor_init(&st.bias, outputs, 1, 1, 1));
  CHECK_OK(cnn_tensor_init(&st.y, n, outputs, 1, 1));
  CHECK_OK(cnn_tensor_init(&st.dy, n, outputs, 1, 1));
  cnn_tensor dx, dweight, dbias;
  CHECK_OK(cnn_tensor_init(&dx, n, c, h, w));
  CHECK_OK(cnn_tensor_init(&dweight, outputs, d, 1, 1));
  CHECK_OK(cnn_tensor_init(&dbias, outputs, 1, 1, 1));
  test_rng rng = test_rng_seeded(seed);
  cnn_tensor *inputs[] = {&st.x, &st.weight, &st.bias, &st.dy};
  for (int i = 0; i < 4; i++)
    test_fill_uniform(&rng, inputs[i]->data, cnn_tensor_numel(inputs[i]), -1, 1);
  CHECK_OK(cnn_affine_backward(ctx, &st.x, &st.weight, &st.dy, &dx, &dweight, &dbias));
  char what[160];
  snprintf(what, sizeof what, "affine x(%d,%d,%d,%d) outputs %d seed %llu: dx", n, c,
           h, w, outputs, (unsigned long long)seed);
  gradcheck(what, st.x.data, cnn_tensor_numel(&st.x), dx.data, loss, &st, STEP, ATOL, RTOL);
  snprintf(what, sizeof what, "affine x(%d,%d,%d,%d) outputs %d seed %llu: dweight", n,
           c, h, w, outputs, (unsigned long long)seed);
  gradcheck(what, st.weight.data, cnn_tensor_numel(&st.weight), dweight.data, loss, &st,
            STEP, ATOL, RTOL);
  snprintf(what, sizeof what, "affine x(%d,%d,%d,%d) outputs %d seed %llu: dbias", n, c,
           h, w, outputs, (unsigned long long)seed);
  gradcheck(what, st.bias.data, cnn_tensor_numel(&st.bias), dbias.data, loss, &st, STEP,
            ATOL, RTOL);
  cnn_tensor *all[] = {&st.x, &st.weight, &st.bias, &st.y, &st.dy, &dx, &dweight, &dbias};
  for (int i = 0; i < 8; i++) cnn_tensor_free(all[i]);
}

int main(void) {
  cnn_context *ctx;
  CHECK_OK(cnn_context_create(2, &ctx));
  check_case(ctx, 3, 2, 3, 1, 4, 1);
  check_case(ctx, 1, 7, 1, 1, 3, 2);
  check_case(ctx, 4, 1, 3, 5, 1, 3);
  check_case(ctx, 2, 3, 2, 3, 5, 4);
  cnn_context_free(ctx);
  return test_finish("test_affine_grad");
}
