#include "cnn/tensor.h"

#include <string.h>

#include "runtime/error.h"
#include "runtime/memory.h"

/* Largest element count of one tensor: keeps every index within int64 and
 * sizes in the 16 GiB range, far beyond any model this engine trains. */
#define CNN_TENSOR_MAX_NUMEL ((size_t)1 << 32)

cnn_status cnn_tensor_init(cnn_tensor *t, int n, int c, int h, int w) {
  if (!t) return cnn_error(CNN_STATUS_INVALID_ARGUMENT, "tensor: t is NULL");
  memset(t, 0, sizeof *t);
  if (n < 1 || c < 1 || h < 1 || w < 1)
    return cnn_error(CNN_STATUS_INVALID_ARGUMENT,
                     "tensor: shape (%d,%d,%d,%d) has a size below 1", n, c, h, w);
  size_t numel = (size_t)n * (size_t)c;
  if (numel > CNN_TENSOR_MAX_NUMEL || (numel *= (size_t)h) > CNN_TENSOR_MAX_NUMEL ||
      (numel *= (size_t)w) > CNN_TENSOR_MAX_NUMEL)
    return cnn_error(CNN_STATUS_INVALID_ARGUMENT,
                     "tensor: shape (%d,%d,%d,%d) exceeds %zu elements", n, c, h,
                     w, CNN_TENSOR_MAX_NUMEL);
  float *data = cnn_alloc_zeroed(numel, sizeof(float), "tensor");
  if (!data) return CNN_STATUS_OUT_OF_MEMORY;
  *t = (cnn_tensor){data, n, c, h, w, 1};
  return CNN_STATUS_OK;
}

void cnn_tensor_free(cnn_tensor *t) {
  if (!t) return;
  if (t->owns_data) cnn_free(t->data);
  memset(t, 0, sizeof *t);
}

cnn_tensor cnn_tensor_view(float *data, int n, int c, int h, int w) {
  return (cnn_tensor){data, n, c, h, w, 0};
}

cnn_tensor cnn_tensor_slice(const cnn_tensor *t, int first, int count) {
  size_t image = (size_t)t->c * t->h * t->w;
  return cnn_tensor_view(t->data + (size_t)first * image, count, t->c, t->h, t->w);
}

size_t cnn_tensor_numel(const cnn_tensor *t) {
  return (size_t)t->n * t->c * t->h * t->w;
}

int cnn_tensor_same_shape(const cnn_tensor *a, const cnn_tensor *b) {
  return a->n == b->n && a->c == b->c && a->h == b->h && a->w == b->w;
}
