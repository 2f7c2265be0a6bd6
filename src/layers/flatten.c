#include <limits.h>

#include "cnn/layers.h"
#include "layers/check.h"
#include "runtime/error.h"

cnn_status cnn_flatten(const cnn_tensor *x, cnn_tensor *view) {
  static const char fn[] = "flatten";
  CNN_TRY(cnn_check_tensor(fn, "x", x));
  CNN_TRY(cnn_check_pointer(fn, "view", view));
  const size_t features = (size_t)x->c * x->h * x->w;
  if (features > INT_MAX)
    return cnn_error(CNN_STATUS_INVALID_ARGUMENT,
                     "%s: x has shape (%d,%d,%d,%d), %zu features per image exceed %d",
                     fn, x->n, x->c, x->h, x->w, features, INT_MAX);
  *view = cnn_tensor_view(x->data, x->n, (int)features, 1, 1);
  return CNN_STATUS_OK;
}
