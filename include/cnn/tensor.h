/* Dense float32 tensors in NCHW order (filters are KCRS: K in n, C in c). */
#ifndef CNN_TENSOR_H
#define CNN_TENSOR_H

#include <stddef.h>
#include "cnn/status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define CNN_ALIGNMENT 64 /* bytes; every buffer the library allocates */

typedef struct cnn_tensor {
  float *data;
  int n, c, h, w;
  int owns_data; /* nonzero: cnn_tensor_free releases data */
} cnn_tensor;

/* Allocates a zero-filled n*c*h*w tensor; every size must be >= 1. */
cnn_status cnn_tensor_init(cnn_tensor *t, int n, int c, int h, int w);

/* Releases the data if owned and clears the struct; safe on a cleared one. */
void cnn_tensor_free(cnn_tensor *t);

/* A non-owning tensor over caller memory (no check, no allocation). */
cnn_tensor cnn_tensor_view(float *data, int n, int c, int h, int w);

/* Images [first, first+count) of t as a non-owning view. */
cnn_tensor cnn_tensor_slice(const cnn_tensor *t, int first, int count);

size_t cnn_tensor_numel(const cnn_tensor *t);

/* Nonzero when both have the same n, c, h, w. */
int cnn_tensor_same_shape(const cnn_tensor *a, const cnn_tensor *b);

#ifdef __cplusplus
}
#endif
#endif
