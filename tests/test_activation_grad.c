/* ReLU, sigmoid and tanh backward against central differences. ReLU's
 * inputs keep at least 0.1 away from its kink at 0 (the step is 1e-2).
 * Tolerance atol 1e-3 + rtol 1e-3: the curvature term of the central
 * difference is step^2 / 6 * |f'''| < 1e-4 for sigmoid and tanh, the rest
 * is float rounding over 2 * step. */
#include <math.h>

#include "gradcheck.h"
#include "testutil.h"

#define STEP 1e-2
#define ATOL 1e-3
#define RTOL 1e-3

struct state {
  cnn_context *ctx;
  cnn_activation act;
  cnn_tensor x, y, dy;
};

static double loss(void *opaque) {
  struct state *st = opaque;
  if (cnn_activation_forward(st->ctx, st->act, &st->x, &st->y) != CNN_STATUS_OK) return NAN;
  return gradcheck_dot(st->y.data, st->dy.data, cnn_tensor_numel(&st->y));
}

static void check_case(cnn_context *ctx, cnn_activation act, int n, int c, int h, int w,
                       uint64_t seed) {
  static const char *const names[] = {"relu", "sigmoid", "tanh"};
  struct state st = {.ctx = ctx, .act = act};
  CHECK_OK(cnn_tensor_init(&st.x, n, c, h, w));
  CHECK_OK(cnn_tensor_init(&st.y, n, c, h, w));
  CHECK_OK(cnn_tensor_init(&st.dy, n, c, h, w));
  cnn_tensor dx;
  CHECK_OK(cnn_tensor_init(&dx, n, c, h, w));
  const size_t count = cnn_tensor_numel(&st.x);
  test_rng rng = test_rng_seeded(seed);
  test_fill_uniform(&rng, st.x.data, count, -3, 3);
  if (act == CNN_ACT_RELU) /* no input within 0.1 of the kink */
    for (size_t i = 0; i < count; i++)
      st.x.data[i] = copysignf(0.1f + fabsf(st.x.data[i]), st.x.data[i]);
  test_fill_uniform(&rng, st.dy.data, count, -1, 1);
  CHECK_OK(cnn_activation_forward(ctx, act, &st.x, &st.y));
  CHECK_OK(cnn_activation_backward(ctx, act, &st.y, &st.dy, &dx));
  char what[120];
  snprintf(what, sizeof what, "%s x(%d,%d,%d,%d) seed %llu: dx", names[act], n, c, h, w,
           (unsigned long long)seed);
  gradcheck(what, st.x.data, count, dx.data, loss, &st, STEP, ATOL, RTOL);

  /* In place: y over x, dx over dy, as the API allows. (The checks above
   * left y from a perturbed x: compute it again.) */
  CHECK_OK(cnn_activation_forward(ctx, act, &st.x, &st.y));
  cnn_tensor inplace;
  CHECK_OK(cnn_tensor_init(&inplace, n, c, h, w));
  for (size_t i = 0; i < count; i++) inplace.data[i] = st.x.data[i];
  CHECK_OK(cnn_activation_forward(ctx, act, &inplace, &inplace));
  snprintf(what, sizeof what, "%s in place forward", names[act]);
  test_equal(what, inplace.data, st.y.data, count);
  for (size_t i = 0; i < count; i++) inplace.data[i] = st.dy.data[i];
  CHECK_OK(cnn_activation_backward(ctx, act, &st.y, &inplace, &inplace));
  snprintf(what, sizeof what, "%s in place backward", names[act]);
  test_equal(what, inplace.data, dx.data, count);
  cnn_tensor_free(&inplace);
  cnn_tensor_free(&st.x);
  cnn_tensor_free(&st.y);
  cnn_tensor_free(&st.dy);
  cnn_tensor_free(&dx);
}

int main(void) {
  cnn_context *ctx;
  CHECK_OK(cnn_context_create(2, &ctx));
  for (int act = CNN_ACT_RELU; act <= CNN_ACT_TANH; act++) {
    check_case(ctx, (cnn_activation)act, 2, 3, 5, 4, 10 + act);
    check_case(ctx, (cnn_activation)act, 1, 1, 7, 1, 20 + act);
  }
  cnn_context_free(ctx);
  return test_finish("test_activation_grad");
}
