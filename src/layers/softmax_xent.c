/* Softmax with cross-entropy over the c*h*w logits of each image. The
 * largest logit is subtracted before exponentiating and the loss is the
 * log-sum-exp minus the label's logit, so no exp overflows for any finite
 * logits. */
#include <math.h>

#include "cnn/layers.h"
#include "layers/check.h"
#include "runtime/error.h"

static cnn_status check_labels(const char *fn, const int32_t *labels, int count,
                               size_t classes) {
  CNN_TRY(cnn_check_pointer(fn, "labels", labels));
  for (int i = 0; i < count; i++)
    if (labels[i] < 0 || (size_t)labels[i] >= classes)
      return cnn_error(CNN_STATUS_INVALID_ARGUMENT,
                       "%s: labels[%d] = %d is outside 0..%zu", fn, i, (int)labels[i],
                       classes - 1);
  return CNN_STATUS_OK;
}

cnn_status cnn_softmax_xent_forward(cnn_context *ctx, const cnn_tensor *logits,
                                    const int32_t *labels, cnn_tensor *probs,
                                    float *loss) {
  static const char fn[] = "softmax_xent_forward";
  CNN_TRY(cnn_check_pointer(fn, "ctx", ctx));
  CNN_TRY(cnn_check_tensor(fn, "logits", logits));
  const size_t classes = (size_t)logits->c * logits->h * logits->w;
  CNN_TRY(check_labels(fn, labels, logits->n, classes));
  CNN_TRY(cnn_check_shape(fn, "probs", probs, logits->n, logits->c, logits->h,
                          logits->w));
  CNN_TRY(cnn_check_pointer(fn, "loss", loss));
  double total = 0.0;
  for (int i = 0; i < logits->n; i++) {
    const float *z = logits->data + (size_t)i * classes;
    float *out = probs->data + (size_t)i * classes;
    double largest = z[0];
    for (size_t j = 1; j < classes; j++)
      if (z[j] > largest) largest = z[j];
    double sum = 0.0;
    for (size_t j = 0; j < classes; j++) sum += exp(z[j] - largest);
    for (size_t j = 0; j < classes; j++) out[j] = (float)(exp(z[j] - largest) / sum);
    total += log(sum) + largest - z[labels[i]];
  }
  *loss = (float)(total / logits->n);
  return CNN_STATUS_OK;
}

cnn_status cnn_softmax_xent_backward(cnn_context *ctx, const cnn_tensor *probs,
                                     const int32_t *labels, cnn_tensor *dlogits) {
  static const char fn[] = "softmax_xent_backward";
  CNN_TRY(cnn_check_pointer(fn, "ctx", ctx));
  CNN_TRY(cnn_check_tensor(fn, "probs", probs));
  const size_t classes = (size_t)probs->c * probs->h * probs->w;
  CNN_TRY(check_labels(fn, labels, probs->n, classes));
  CNN_TRY(cnn_check_shape(fn, "dlogits", dlogits, probs->n, probs->c, probs->h,
                          probs->w));
  const float scale = 1.0f / (float)probs->n;
  for (int i = 0; i < probs->n; i++)
    for (size_t j = 0; j < classes; j++) {
      const size_t at = (size_t)i * classes + j;
      const float target = (size_t)labels[i] == j ? 1.0f : 0.0f;
      dlogits->data[at] = (probs->data[at] - target) * scale;
    }
  return CNN_STATUS_OK;
}
