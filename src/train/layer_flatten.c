/* flatten: [C,H,W] -> [C*H*W,1,1]. The net makes its output a view of its
 * input (cnn_flatten), so it has no passes of its own. */
#include "train/layer.h"

static cnn_status flatten_create(const struct cnn_layer_spec *spec,
                                 struct cnn_shape in, struct cnn_layer **out,
                                 char *why, size_t why_size) {
  (void)spec, (void)why, (void)why_size;
  struct cnn_layer *l = cnn_layer_alloc(sizeof *l);
  if (!l) return CNN_STATUS_OUT_OF_MEMORY;
  l->out = (struct cnn_shape){in.c * in.h * in.w, 1, 1};
  *out = l;
  return CNN_STATUS_OK;
}

const struct cnn_layer_ops cnn_flatten_layer_ops = {
    .keyword = "flatten",
    .is_view = 1,
    .create = flatten_create,
};
