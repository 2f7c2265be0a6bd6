/* What a net tells about itself. */
#include "train/net.h"

const char *cnn_net_text(const cnn_net *net) { return net->text; }

int cnn_net_max_batch(const cnn_net *net) { return net->max_batch; }

void cnn_net_input_shape(const cnn_net *net, int *c, int *h, int *w) {
  *c = net->model.input.c;
  *h = net->model.input.h;
  *w = net->model.input.w;
}

int cnn_net_num_outputs(const cnn_net *net) {
  struct cnn_shape out = net->layers[net->num_layers - 1]->out;
  return out.c * out.h * out.w;
}

size_t cnn_net_num_weights(const cnn_net *net) {
  size_t total = 0;
  for (int k = 0; k < net->num_params; k++) total += cnn_tensor_numel(&net->params[k]);
  return total;
}

int cnn_net_num_layers(const cnn_net *net) { return net->num_layers; }

const char *cnn_net_layer_kind(const cnn_net *net, int layer) {
  if (layer < 0 || layer >= net->num_layers) return NULL;
  return net->layers[layer]->ops->keyword;
}

void cnn_net_layer_output_shape(const cnn_net *net, int layer, int *c, int *h,
                                int *w) {
  struct cnn_shape out = net->layers[layer]->out;
  *c = out.c;
  *h = out.h;
  *w = out.w;
}

cnn_tensor *cnn_net_layer_param(cnn_net *net, int layer, int index) {
  if (layer < 0 || layer >= net->num_layers) return NULL;
  struct cnn_layer *l = net->layers[layer];
  return index >= 0 && index < l->num_params ? &l->params[index] : NULL;
}

int cnn_net_layer_fused(const cnn_net *net, int layer) {
  return layer >= 0 && layer < net->num_layers ? net->layers[layer]->fused : 0;
}

const cnn_tensor *cnn_net_layer_output(const cnn_net *net, int layer) {
  if (layer < 0 || layer >= net->num_layers || !net->outputs[layer].data) return NULL;
  return &net->outputs[layer];
}

int cnn_net_describe_plan(const cnn_net *net, char *buf, size_t size) {
  return cnn_step_plan_describe(net, buf, size);
}

int cnn_net_num_params(const cnn_net *net) { return net->num_params; }

cnn_tensor *cnn_net_param(cnn_net *net, int index) {
  return index >= 0 && index < net->num_params ? &net->params[index] : NULL;
}

const char *cnn_net_param_name(const cnn_net *net, int index) {
  return index >= 0 && index < net->num_params ? net->param_names[index] : NULL;
}
