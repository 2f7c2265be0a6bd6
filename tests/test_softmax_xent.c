/* Softmax cross-entropy stays finite and exact for logits of +-1000, where
 * a naive exp overflows: the loss of a confident right answer is 0, of a
 * confident wrong one the logit gap. Tolerance: 1e-6 relative on the loss
 * (float), 1e-7 absolute on probabilities and gradients. */
#include <math.h>

#include "testutil.h"

static int all_finite(const float *v, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (!isfinite(v[i])) return 0;
  return 1;
}

int main(void) {
  cnn_context *ctx;
  CHECK_OK(cnn_context_create(1, &ctx));
  float values[] = {1000, -1000, 0,  /* image 0: label 0, right */
                    1000, -1000, 0,  /* image 1: label 1, wrong by 2000 */
                    -1000, -1000, -1000}; /* image 2: all equal, label 2 */
  const int32_t labels[] = {0, 1, 2};
  cnn_tensor logits = cnn_tensor_view(values, 3, 3, 1, 1);
  cnn_tensor probs, dlogits;
  CHECK_OK(cnn_tensor_init(&probs, 3, 3, 1, 1));
  CHECK_OK(cnn_tensor_init(&dlogits, 3, 3, 1, 1));
  float loss = NAN;
  CHECK_OK(cnn_softmax_xent_forward(ctx, &logits, labels, &probs, &loss));
  const float want_loss = (0.0f + 2000.0f + logf(3.0f)) / 3.0f;
  CHECK(isfinite(loss) && fabsf(loss - want_loss) <= 1e-6f * want_loss,
        "loss %.9g, want %.9g", loss, want_loss);
  CHECK(all_finite(probs.data, 9), "probabilities are finite");
  const float third = 1.0f / 3.0f;
  const float want_probs[] = {1, 0, 0, 1, 0, 0, third, third, third};
  test_close("probs at +-1000", probs.data, want_probs, 9, 1e-7, 0);
  CHECK_OK(cnn_softmax_xent_backward(ctx, &probs, labels, &dlogits));
  CHECK(all_finite(dlogits.data, 9), "gradients are finite");
  const float want_grad[] = {0, 0, 0, third, -third, 0, third / 3, third / 3, -2 * third / 3};
  test_close("dlogits at +-1000", dlogits.data, want_grad, 9, 1e-7, 0);

  /* dlogits may alias probs. */
  CHECK_OK(cnn_softmax_xent_backward(ctx, &probs, labels, &probs));
  test_equal("dlogits over probs", probs.data, dlogits.data, 9);

  cnn_tensor_free(&probs);
  cnn_tensor_free(&dlogits);
  cnn_context_free(ctx);
  return test_finish("test_softmax_xent");
}
