/* Softmax cross-entropy backward against central differences of the loss
 * itself, for several batch sizes and class counts (logits spread over c,
 * h, w). The loss comes back as a float: its rounding (~1e-7 relative)
 * over 2 * step and the curvature term step^2 / 6 * |f'''| (< 1e-5) stay
 * far below the tolerance atol 2e-4 + rtol 1e-2. */
#include <math.h>
#include <stdlib.h>

#include "gradcheck.h"
#include "testutil.h"

#define STEP 1e-2
#define ATOL 2e-4
#define RTOL 1e-2

struct state {
  cnn_context *ctx;
  cnn_tensor logits, probs;
  int32_t *labels;
};

static double loss(void *opaque) {
  struct state *st = opaque;
  float value;
  if (cnn_softmax_xent_forward(st->ctx, &st->logits, st->labels, &st->probs, &value) !=
      CNN_STATUS_OK)
    return NAN;
  return value;
}

static void check_case(cnn_context *ctx, int n, int c, int h, int w, uint64_t seed) {
  struct state st = {.ctx = ctx};
  CHECK_OK(cnn_tensor_init(&st.logits, n, c, h, w));
  CHECK_OK(cnn_tensor_init(&st.probs, n, c, h, w));
  cnn_tensor dlogits;
  CHECK_OK(cnn_tensor_init(&dlogits, n, c, h, w));
  st.labels = malloc(sizeof(int32_t) * (size_t)n);
  test_rng rng = test_rng_seeded(seed);
  test_fill_uniform(&rng, st.logits.data, cnn_tensor_numel(&st.logits), -3, 3);
  for (int i = 0; i < n; i++) st.labels[i] = test_rng_int(&rng, 0, c * h * w - 1);
  float value;
  CHECK_OK(cnn_softmax_xent_forward(ctx, &st.logits, st.labels, &st.probs, &value));
  CHECK_OK(cnn_softmax_xent_backward(ctx, &st.probs, st.labels, &dlogits));
  char what[120];
  snprintf(what, sizeof what, "softmax_xent logits(%d,%d,%d,%d) seed %llu: dlogits", n,
           c, h, w, (unsigned long long)seed);
  gradcheck(what, st.logits.data, cnn_tensor_numel(&st.logits), dlogits.data, loss, &st,
            STEP, ATOL, RTOL);
  free(st.labels);
  cnn_tensor_free(&st.logits);
  cnn_tensor_free(&st.probs);
  cnn_tensor_free(&dlogits);
}

int main(void) {
  cnn_context *ctx;
  CHECK_OK(cnn_context_create(1, &ctx));
  check_case(ctx, 1, 10, 1, 1, 1);
  check_case(ctx, 4, 3, 1, 1, 2);
  check_case(ctx, 3, 2, 2, 3, 3);
  cnn_context_free(ctx);
  return test_finish("test_softmax_xent_grad");
}
