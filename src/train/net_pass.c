/* The forward pass, the loss and the backward pass over a batch. */
#include <math.h>

#include "runtime/clock.h"
#include "runtime/error.h"
#include "train/net.h"

cnn_status cnn_net_forward(cnn_net *net, cnn_context *ctx, int n) {
  for (int i = 0; i < net->num_layers; i++) {
    const struct cnn_layer *layer = net->layers[i];
    cnn_tensor x = cnn_tensor_slice(&net->acts[i], 0, n);
    cnn_tensor y = cnn_tensor_slice(&net->acts[i + 1], 0, n);
    if (!layer->ops->is_view) {
      const double start = net->profile ? cnn_seconds() : 0;
      cnn_status st = layer->ops->forward(layer, ctx, &x, &y);
      if (st) return st;
      if (net->profile) net->profile->forward_s[i] += cnn_seconds() - start;
    }
    net->outputs[i] = y;
  }
  return CNN_STATUS_OK;
}

cnn_status cnn_net_loss(cnn_net *net, cnn_context *ctx, int n, float *loss,
                        int *correct) {
  int L = net->num_layers;
  cnn_tensor logits = cnn_tensor_slice(&net->acts[L], 0, n);
  cnn_tensor probs = cnn_tensor_slice(&net->deltas[L], 0, n);
  int classes = logits.c * logits.h * logits.w;
  *correct = 0;
  for (int i = 0; i < n; i++)
    *correct += cnn_argmax(logits.data + (size_t)i * classes, classes) == net->labels[i];
  cnn_status st = cnn_softmax_xent_forward(ctx, &logits, net->labels, &probs, loss);
  if (st) return st;
  return cnn_softmax_xent_backward(ctx, &probs, net->labels, &probs);
}

cnn_status cnn_net_backward(cnn_net *net, cnn_context *ctx, int n) {
  /* Below the lowest layer with parameters no gradient is needed. */
  int lowest = net->num_layers;
  for (int i = net->num_layers - 1; i >= 0; i--)
    if (net->layers[i]->num_params) lowest = i;
  for (int i = net->num_layers - 1; i >= lowest; i--) {
    const struct cnn_layer *layer = net->layers[i];
    if (layer->ops->is_view) continue;
    cnn_tensor x = cnn_tensor_slice(&net->acts[i], 0, n);
    cnn_tensor y = cnn_tensor_slice(&net->acts[i + 1], 0, n);
    cnn_tensor dy = cnn_tensor_slice(&net->deltas[i + 1], 0, n);
    cnn_tensor dx = cnn_tensor_slice(&net->deltas[i], 0, n);
    const double start = net->profile ? cnn_seconds() : 0;
    cnn_status st = layer->ops->backward(layer, ctx, &x, &y, &dy, i > lowest ? &dx : NULL);
    if (st) return st;
    if (net->profile) net->profile->backward_s[i] += cnn_seconds() - start;
  }
  return CNN_STATUS_OK;
}

cnn_status cnn_net_check_dataset(const cnn_net *net, const cnn_dataset *ds,
                                 const char *what) {
  struct cnn_shape in = net->model.input;
  if (!ds || ds->count < 1)
    return cnn_error(CNN_STATUS_INVALID_ARGUMENT, "%s: the data set is empty", what);
  if (in.c != 1 || in.h != ds->rows || in.w != ds->cols)
    return cnn_error(CNN_STATUS_INVALID_ARGUMENT,
                     "%s: the model takes %dx%dx%d images but the data set has "
                     "1x%dx%d",
                     what, in.c, in.h, in.w, ds->rows, ds->cols);
  int outputs = cnn_net_num_outputs(net);
  if (outputs != CNN_DATASET_CLASSES)
    return cnn_error(CNN_STATUS_INVALID_ARGUMENT,
                     "%s: the model outputs %d class scores but the data set has %d "
                     "classes",
                     what, outputs, CNN_DATASET_CLASSES);
  return CNN_STATUS_OK;
}

void cnn_net_load_batch(cnn_net *net, const cnn_dataset *ds, const int32_t *order,
                        int first, int n) {
  size_t pixels = (size_t)ds->rows * ds->cols;
  float *x = net->acts[0].data;
  for (int i = 0; i < n; i++) {
    int32_t index = order ? order[first + i] : first + i;
    const uint8_t *image = ds->images + (size_t)index * pixels;
    for (size_t p = 0; p < pixels; p++) x[(size_t)i * pixels + p] = image[p] / 255.0f;
    net->labels[i] = ds->labels[index];
  }
}
