/* Building a net from model text: layers and their shapes, the flat
 * parameter lists, every buffer for max_batch images, the step plan, and
 * the scratch memory of the context's workers. */
#include <stdio.h>
#include <string.h>

#include "runtime/context.h"
#include "runtime/error.h"
#include "runtime/memory.h"
#include "train/init.h"
#include "train/net.h"

/* Beyond these a layer is a typo, not a model: 2^27 parameters are 512 MiB
 * of weights, 2^26 values are 256 MiB of activations per image. */
#define MAX_LAYER_PARAMS ((long long)1 << 27)
#define MAX_IMAGE_VALUES ((long long)1 << 26)
#define MAX_BATCH 65536

/* "layer 3 `maxpool 2` (column 21)" or "the input". */
static void layer_name(const cnn_net *net, int i, char *buf, size_t size) {
  if (i < 0) {
    snprintf(buf, size, "the input");
    return;
  }
  char text[160];
  const struct cnn_layer_spec *spec = &net->model.layers[i];
  cnn_layer_spec_format(spec, text, sizeof text);
  snprintf(buf, size, "layer %d `%s` (column %d)", i + 1, text, spec->column);
}

static long long shape_values(struct cnn_shape s) { return (long long)s.c * s.h * s.w; }

/* Creates layer i on the output of layer i-1 and checks its sizes. */
static cnn_status create_layer(cnn_net *net, int i, struct cnn_shape in) {
  const struct cnn_layer_spec *spec = &net->model.layers[i];
  char why[160] = "", self[200], prev[200];
  struct cnn_layer *layer = NULL;
  cnn_status st = spec->ops->create(spec, in, &layer, why, sizeof why);
  if (st == CNN_STATUS_OUT_OF_MEMORY) return st;
  layer_name(net, i, self, sizeof self);
  layer_name(net, i - 1, prev, sizeof prev);
  if (st != CNN_STATUS_OK)
    return cnn_error(CNN_STATUS_INVALID_ARGUMENT,
                     "model: %s cannot take the %dx%dx%d output of %s: %s", self,
                     in.c, in.h, in.w, prev, why);
  layer->ops = spec->ops;
  layer->spec = spec;
  layer->in = in;
  net->layers[i] = layer;
  for (int p = 0; p < layer->num_params; p++) {
    const struct cnn_param_decl *d = &layer->decls[p];
    long long count = (long long)d->n * d->c * d->h * d->w;
    if (count > MAX_LAYER_PARAMS)
      return cnn_error(CNN_STATUS_INVALID_ARGUMENT,
                       "model: %s on the %dx%dx%d output of %s needs a %dx%dx%dx%d "
                       "%s: %lld values, above the limit of %lld",
                       self, in.c, in.h, in.w, prev, d->n, d->c, d->h, d->w, d->name,
                       count, MAX_LAYER_PARAMS);
  }
  if (shape_values(layer->out) > MAX_IMAGE_VALUES)
    return cnn_error(CNN_STATUS_INVALID_ARGUMENT,
                     "model: %s on the %dx%dx%d output of %s outputs %dx%dx%d: %lld "
                     "values per image, above the limit of %lld",
                     self, in.c, in.h, in.w, prev, layer->out.c, layer->out.h,
                     layer->out.w, shape_values(layer->out), MAX_IMAGE_VALUES);
  return CNN_STATUS_OK;
}

/* He, unless the next layer that computes anything is sigmoid or tanh. */
static cnn_init_kind default_init(const cnn_net *net, int i) {
  for (int j = i + 1; j < net->num_layers; j++) {
    const struct cnn_layer_ops *ops = net->layers[j]->ops;
    if (ops->is_view) continue;
    if (ops == &cnn_sigmoid_layer_ops || ops == &cnn_tanh_layer_ops)
      return CNN_INIT_XAVIER;
    break;
  }
  return CNN_INIT_HE;
}

static cnn_status create_params(cnn_net *net, cnn_rng *rng) {
  int total = 0;
  for (int i = 0; i < net->num_layers; i++) total += net->layers[i]->num_params;
  net->params = cnn_alloc_zeroed((size_t)total + 1, sizeof *net->params, "net params");
  net->grads = cnn_alloc_zeroed((size_t)total + 1, sizeof *net->grads, "net grads");
  net->param_names = cnn_alloc_zeroed((size_t)total + 1, sizeof *net->param_names,
                                      "net param names");
  net->param_decay = cnn_alloc_zeroed((size_t)total + 1, sizeof *net->param_decay,
                                      "net param decay");
  if (!net->params || !net->grads || !net->param_names || !net->param_decay)
    return CNN_STATUS_OUT_OF_MEMORY;
  net->num_params = total;
  int k = 0;
  for (int i = 0; i < net->num_layers; i++) {
    struct cnn_layer *layer = net->layers[i];
    const struct cnn_layer_spec *spec = layer->spec;
    layer->params = &net->params[k];
    layer->grads = &net->grads[k];
    for (int p = 0; p < layer->num_params; p++, k++) {
      const struct cnn_param_decl *d = &layer->decls[p];
      cnn_status st;
      if ((st = cnn_tensor_init(&net->params[k], d->n, d->c, d->h, d->w)) ||
          (st = cnn_tensor_init(&net->grads[k], d->n, d->c, d->h, d->w)))
        return st;
      char name[64];
      int len = snprintf(name, sizeof name, "%d.%s.%s", i, spec->ops->keyword, d->name);
      if (!(net->param_names[k] = cnn_alloc((size_t)len + 1, 1, "param name")))
        return CNN_STATUS_OUT_OF_MEMORY;
      memcpy(net->param_names[k], name, (size_t)len + 1);
      net->param_decay[k] = d->decay;
      if (d->fan_in > 0) { /* weights; biases stay zero */
        cnn_init_kind kind = spec->init == CNN_INIT_DEFAULT ? default_init(net, i) : spec->init;
        cnn_init_fill(&net->params[k], kind, spec->init_std, d->fan_in, d->fan_out, rng);
      }
    }
  }
  return CNN_STATUS_OK;
}

static cnn_status create_buffers(cnn_net *net) {
  int L = net->num_layers, b = net->max_batch;
  net->acts = cnn_alloc_zeroed((size_t)L + 1, sizeof *net->acts, "net activations");
  net->deltas = cnn_alloc_zeroed((size_t)L + 1, sizeof *net->deltas, "net deltas");
  net->outputs = cnn_alloc_zeroed((size_t)L, sizeof *net->outputs, "net outputs");
  net->labels = cnn_alloc_zeroed((size_t)b, sizeof *net->labels, "net labels");
  if (!net->acts || !net->deltas || !net->outputs || !net->labels)
    return CNN_STATUS_OUT_OF_MEMORY;
  /* deltas[0] is needed only when a view comes first; it is small. */
  struct cnn_shape in = net->model.input;
  cnn_status st;
  if ((st = cnn_tensor_init(&net->acts[0], b, in.c, in.h, in.w)) ||
      (st = cnn_tensor_init(&net->deltas[0], b, in.c, in.h, in.w)))
    return st;
  for (int i = 0; i < L; i++) {
    struct cnn_shape out = net->layers[i]->out;
    if (net->layers[i]->ops->is_view) {
      /* The output and its gradient share the input's memory. */
      if ((st = cnn_flatten(&net->acts[i], &net->acts[i + 1])) ||
          (st = cnn_flatten(&net->deltas[i], &net->deltas[i + 1])))
        return st;
      continue;
    }
    if (net->layers[i]->fused) { /* a ReLU in place */
      net->acts[i + 1] = cnn_tensor_view(net->acts[i].data, b, out.c, out.h, out.w);
      net->deltas[i + 1] = cnn_tensor_view(net->deltas[i].data, b, out.c, out.h, out.w);
      continue;
    }
    if ((st = cnn_tensor_init(&net->acts[i + 1], b, out.c, out.h, out.w)) ||
        (st = cnn_tensor_init(&net->deltas[i + 1], b, out.c, out.h, out.w)))
      return st;
  }
  return CNN_STATUS_OK;
}

static cnn_status bind_layers(cnn_net *net, const cnn_context *ctx) {
  for (int i = 0; i < net->num_layers; i++) {
    struct cnn_layer *layer = net->layers[i];
    cnn_status st = layer->ops->bind ? layer->ops->bind(layer, ctx, net->plan.micro_batch)
                                     : CNN_STATUS_OK;
    if (st) return st;
  }
  return CNN_STATUS_OK;
}

/* One pass at max_batch on zero images grows the scratch memory of the
 * context's workers to what the layers need, so the training steps that
 * follow allocate nothing. */
static cnn_status warm_up(cnn_net *net, cnn_context *ctx) {
  cnn_status st = cnn_net_pass(net, ctx, net->max_batch, CNN_NET_TRAIN, NULL, NULL);
  if (st) return st;
  for (int k = 0; k < net->num_params; k++)
    memset(net->grads[k].data, 0, cnn_tensor_numel(&net->grads[k]) * sizeof(float));
  return CNN_STATUS_OK;
}

static cnn_status build(cnn_net *net, cnn_context *ctx, const char *text,
                        cnn_rng *rng, const struct cnn_net_options *options) {
  cnn_status st = cnn_model_parse(text, &net->model);
  if (st) return st;
  if (net->model.num_layers == 0)
    return cnn_error(CNN_STATUS_INVALID_ARGUMENT, "model: no layers");
  if (!(net->text = cnn_model_format(&net->model))) return CNN_STATUS_OUT_OF_MEMORY;
  net->num_layers = net->model.num_layers;
  net->layers = cnn_alloc_zeroed((size_t)net->num_layers, sizeof *net->layers,
                                 "net layers");
  if (!net->layers) return CNN_STATUS_OUT_OF_MEMORY;
  struct cnn_shape shape = net->model.input;
  if (shape_values(shape) > MAX_IMAGE_VALUES)
    return cnn_error(CNN_STATUS_INVALID_ARGUMENT,
                     "model: input %dx%dx%d has more than %lld values", shape.c,
                     shape.h, shape.w, MAX_IMAGE_VALUES);
  for (int i = 0; i < net->num_layers; i++) {
    if ((st = create_layer(net, i, shape))) return st;
    shape = net->layers[i]->out;
  }
  if (shape_values(shape) < 2)
    return cnn_error(CNN_STATUS_INVALID_ARGUMENT,
                     "model: the last layer outputs %dx%dx%d, but the loss needs at "
                     "least 2 class scores",
                     shape.c, shape.h, shape.w);
  if ((long long)net->max_batch * shape_values(net->model.input) > ((long long)1 << 32))
    return cnn_error(CNN_STATUS_INVALID_ARGUMENT,
                     "net: batch %d of %dx%dx%d images is too large", net->max_batch,
                     net->model.input.c, net->model.input.h, net->model.input.w);
  if (options->fuse) cnn_step_plan_fusion(net);
  if ((st = create_params(net, rng)) || (st = create_buffers(net)) ||
      (st = cnn_step_plan_build(net, options->micro_batch)) || (st = bind_layers(net, ctx)) ||
      (st = warm_up(net, ctx)))
    return st;
  return CNN_STATUS_OK;
}

cnn_status cnn_net_create(cnn_context *ctx, const char *model_text, int max_batch,
                          cnn_rng *rng, cnn_net **out) {
  const struct cnn_net_options options = {.fuse = 1, .micro_batch = 0};
  return cnn_net_create_with(ctx, model_text, max_batch, rng, &options, out);
}

cnn_status cnn_net_create_with(cnn_context *ctx, const char *model_text, int max_batch,
                               cnn_rng *rng, const struct cnn_net_options *options,
                               cnn_net **out) {
  if (!out) return cnn_error(CNN_STATUS_INVALID_ARGUMENT, "net: out is NULL");
  *out = NULL;
  if (!ctx || !model_text || !rng || !options)
    return cnn_error(CNN_STATUS_INVALID_ARGUMENT, "net: %s is NULL",
                     !ctx ? "ctx" : !model_text ? "model_text" : !rng ? "rng" : "options");
  if (options->micro_batch < 0)
    return cnn_error(CNN_STATUS_INVALID_ARGUMENT, "net: micro-batch %d is negative",
                     options->micro_batch);
  if (max_batch < 1 || max_batch > MAX_BATCH)
    return cnn_error(CNN_STATUS_INVALID_ARGUMENT,
                     "net: max_batch %d is outside 1..%d", max_batch, MAX_BATCH);
  const char *builtin = cnn_model_builtin(model_text);
  cnn_net *net = cnn_alloc_zeroed(1, sizeof *net, "net");
  if (!net) return CNN_STATUS_OUT_OF_MEMORY;
  net->max_batch = max_batch;
  cnn_status st = build(net, ctx, builtin ? builtin : model_text, rng, options);
  if (st) {
    cnn_net_free(net);
    return st;
  }
  *out = net;
  return CNN_STATUS_OK;
}

void cnn_net_free(cnn_net *net) {
  if (!net) return;
  for (int i = 0; i <= net->num_layers; i++) {
    if (net->acts) cnn_tensor_free(&net->acts[i]);
    if (net->deltas) cnn_tensor_free(&net->deltas[i]);
  }
  for (int k = 0; k < net->num_params; k++) {
    cnn_tensor_free(&net->params[k]);
    cnn_tensor_free(&net->grads[k]);
    cnn_free(net->param_names[k]);
  }
  cnn_step_plan_free(&net->plan);
  for (int i = 0; i < net->num_layers && net->layers; i++) {
    if (net->layers[i]) cnn_free(net->layers[i]->kept);
    cnn_free(net->layers[i]);
  }
  cnn_free(net->acts);
  cnn_free(net->deltas);
  cnn_free(net->outputs);
  cnn_free(net->labels);
  cnn_free(net->params);
  cnn_free(net->grads);
  cnn_free(net->param_names);
  cnn_free(net->param_decay);
  cnn_free(net->layers);
  cnn_free(net->text);
  cnn_model_free(&net->model);
  cnn_free(net);
}
