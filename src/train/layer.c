#include "train/layer.h"

#include "runtime/memory.h"

const struct cnn_layer_ops *const cnn_layer_kinds[] = {
    &cnn_conv_layer_ops,    &cnn_maxpool_layer_ops, &cnn_avgpool_layer_ops,
    &cnn_fc_layer_ops,      &cnn_relu_layer_ops,    &cnn_sigmoid_layer_ops,
    &cnn_tanh_layer_ops,    &cnn_flatten_layer_ops, NULL};

struct cnn_layer *cnn_layer_alloc(size_t size) {
  return cnn_alloc_zeroed(1, size, "layer");
}
