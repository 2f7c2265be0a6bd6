#include "train/init.h"

#include <math.h>

void cnn_init_fill(cnn_tensor *t, cnn_init_kind kind, float gauss_std, int fan_in,
                   int fan_out, cnn_rng *rng) {
  size_t n = cnn_tensor_numel(t);
  double std;
  switch (kind) {
    case CNN_INIT_XAVIER: std = sqrt(2.0 / (fan_in + fan_out)); break;
    case CNN_INIT_GAUSS: std = gauss_std; break;
    default: std = sqrt(2.0 / fan_in); break; /* He */
  }
  for (size_t i = 0; i < n; i++) t->data[i] = (float)(std * cnn_rng_normal(rng));
}
