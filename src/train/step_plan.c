/* The step plan: micro-batch size, fused layers and how every gradient is
 * combined (see step_plan.h). */
#include "train/step_plan.h"

#include <stdio.h>
#include <string.h>

#include "runtime/error.h"
#include "runtime/memory.h"
#include "runtime/topology.h"
#include "train/net.h"

/* The automatic micro-batch: about as many images as fit in the L2
 * (buffers of image_bytes each), but no fewer than MIN_MICRO_BATCH: below
 * that the costs every micro-batch pays whatever its size (the fc weights
 * streamed from L3 for its products, each layer's call) outweigh the cache
 * misses saved; measured on a 512 KiB L2, `simple` trained 2x slower per
 * epoch in micro-batches of 1 (which fit) than of 16 (which do not), and
 * 16 to 32 were the fastest for both lenet5 and simple. No more than
 * MAX_MICRO_BATCH, so that big batches still split across threads. The
 * batch is then cut into a multiple of MICRO_BATCH_GROUPS micro-batches of
 * near-equal size, so that 2 or 4 threads get equal shares. */
#define MIN_MICRO_BATCH 16
#define MAX_MICRO_BATCH 64
#define MICRO_BATCH_GROUPS 4

int cnn_step_plan_auto_micro_batch(size_t image_bytes, size_t l2_bytes, int max_batch) {
  size_t target = l2_bytes && image_bytes ? l2_bytes / image_bytes : MIN_MICRO_BATCH;
  if (target < MIN_MICRO_BATCH) target = MIN_MICRO_BATCH;
  if (target > MAX_MICRO_BATCH) target = MAX_MICRO_BATCH;
  const size_t batch = (size_t)max_batch, groups = MICRO_BATCH_GROUPS;
  const size_t count = (batch + groups * target - 1) / (groups * target) * groups;
  return (int)((batch + count - 1) / count);
}

/* A ReLU right after a layer whose forward pass can end in it runs in that
 * pass, its output and gradient aliasing its input's; its backward pass
 * runs in that of a max pooling right after it when there is one, and in
 * place otherwise. Either way the bits are those of the layers apart. */
void cnn_step_plan_fusion(cnn_net *net) {
  for (int i = 0; i + 1 < net->num_layers; i++) {
    struct cnn_layer *relu = net->layers[i + 1];
    if (!(net->layers[i]->ops->fuses & CNN_LAYER_FUSES_RELU_AFTER) ||
        relu->ops != &cnn_relu_layer_ops)
      continue;
    net->layers[i]->relu_after = 1;
    relu->fused = CNN_LAYER_FUSED_FORWARD;
    if (i + 2 < net->num_layers &&
        (net->layers[i + 2]->ops->fuses & CNN_LAYER_FUSES_RELU_GRAD)) {
      net->layers[i + 2]->relu_grad = 1;
      relu->fused |= CNN_LAYER_FUSED_BACKWARD;
    }
  }
}

static size_t shape_floats(struct cnn_shape s) { return (size_t)s.c * s.h * s.w; }

/* Bytes of the buffers that one image of a micro-batch touches: the input,
 * each layer's own output, and the output gradients the backward pass
 * writes. Views and fused ReLUs share their input's memory. */
static size_t image_bytes(const cnn_net *net, int lowest_backward) {
  size_t floats = shape_floats(net->model.input);
  for (int i = 0; i < net->num_layers; i++) {
    const struct cnn_layer *layer = net->layers[i];
    if (layer->ops->is_view || layer->fused) continue;
    floats += shape_floats(layer->out) * (i >= lowest_backward ? 2 : 1);
  }
  return floats * sizeof(float);
}

static cnn_status alloc_slots(cnn_net *net, struct cnn_step_plan *plan) {
  size_t per_slot = 0;
  for (int i = 0; i < net->num_layers; i++)
    if (plan->combine[i] == CNN_GRAD_SLOTS)
      for (int p = 0; p < net->layers[i]->num_params; p++)
        per_slot += cnn_tensor_numel(&net->layers[i]->grads[p]);
  plan->slot_floats = per_slot;
  const size_t slots = (size_t)plan->max_micro_batches;
  plan->slots = cnn_alloc_zeroed(slots * (size_t)net->num_params + 1, sizeof *plan->slots,
                                 "gradient slots");
  plan->slot_memory = cnn_alloc(slots * per_slot + 1, sizeof(float), "gradient slots");
  if (!plan->slots || !plan->slot_memory) return CNN_STATUS_OUT_OF_MEMORY;
  float *next = plan->slot_memory;
  for (size_t m = 0; m < slots; m++)
    for (int i = 0; i < net->num_layers; i++) {
      const struct cnn_layer *layer = net->layers[i];
      if (plan->combine[i] != CNN_GRAD_SLOTS) continue;
      for (int p = 0; p < layer->num_params; p++) {
        const cnn_tensor *g = &layer->grads[p];
        plan->slots[m * (size_t)net->num_params + (size_t)(layer->grads - net->grads) + p] =
            cnn_tensor_view(next, g->n, g->c, g->h, g->w);
        next += cnn_tensor_numel(g);
      }
    }
  return CNN_STATUS_OK;
}

cnn_status cnn_step_plan_build(cnn_net *net, int micro_batch) {
  struct cnn_step_plan *plan = &net->plan;
  const int L = net->num_layers;
  plan->lowest_backward = L;
  for (int i = L - 1; i >= 0; i--)
    if (net->layers[i]->num_params) plan->lowest_backward = i;
  plan->image_bytes = image_bytes(net, plan->lowest_backward);
  plan->l2_bytes = cnn_topology()->l2;
  plan->auto_micro_batch = micro_batch == 0;
  plan->micro_batch = micro_batch ? (micro_batch < net->max_batch ? micro_batch
                                                                   : net->max_batch)
                                  : cnn_step_plan_auto_micro_batch(
                                        plan->image_bytes, plan->l2_bytes, net->max_batch);
  plan->max_micro_batches = (net->max_batch + plan->micro_batch - 1) / plan->micro_batch;
  plan->combine = cnn_alloc_zeroed((size_t)L, sizeof *plan->combine, "step plan");
  plan->loss_sums = cnn_alloc((size_t)plan->max_micro_batches, sizeof *plan->loss_sums,
                              "step plan");
  plan->corrects = cnn_alloc((size_t)plan->max_micro_batches, sizeof *plan->corrects,
                             "step plan");
  plan->statuses = cnn_alloc((size_t)plan->max_micro_batches, sizeof *plan->statuses,
                             "step plan");
  if (!plan->combine || !plan->loss_sums || !plan->corrects || !plan->statuses)
    return CNN_STATUS_OUT_OF_MEMORY;
  for (int i = 0; i < L; i++) {
    const struct cnn_layer *layer = net->layers[i];
    plan->combine[i] = !layer->num_params           ? CNN_GRAD_NONE
                       : layer->ops->backward_params ? CNN_GRAD_BATCH
                                                     : CNN_GRAD_SLOTS;
  }
  return alloc_slots(net, plan);
}

void cnn_step_plan_free(struct cnn_step_plan *plan) {
  cnn_free(plan->combine);
  cnn_free(plan->slots);
  cnn_free(plan->slot_memory);
  cnn_free(plan->loss_sums);
  cnn_free(plan->corrects);
  cnn_free(plan->statuses);
  memset(plan, 0, sizeof *plan);
}

/* snprintf into buf at *used, keeping the count of what is needed. */
#define APPEND(...)                                                             \
  (*used += (size_t)snprintf(buf + (*used < size ? *used : size),               \
                             *used < size ? size - *used : 0, __VA_ARGS__))

static const char *combine_words(cnn_grad_combine c) {
  switch (c) {
    case CNN_GRAD_SLOTS: return "per micro-batch, summed in micro-batch order";
    case CNN_GRAD_BATCH: return "over the whole batch after the micro-batches";
    default: return "-";
  }
}

static void describe_layer(const cnn_net *net, int i, char *buf, size_t size, size_t *used) {
  const struct cnn_layer *layer = net->layers[i];
  char text[160], runs[64] = "";
  cnn_layer_spec_format(layer->spec, text, sizeof text);
  if (layer->fused == (CNN_LAYER_FUSED_FORWARD | CNN_LAYER_FUSED_BACKWARD))
    snprintf(runs, sizeof runs, "in layer %d forward, %d backward", i, i + 2);
  else if (layer->fused & CNN_LAYER_FUSED_FORWARD)
    snprintf(runs, sizeof runs, "in layer %d forward, in place backward", i);
  else if (layer->ops->is_view)
    snprintf(runs, sizeof runs, "a view of its input");
  else if (i < net->plan.lowest_backward)
    snprintf(runs, sizeof runs, "forward only");
  APPEND("  %-3d %-22s %-34s %s\n", i + 1, text, runs, combine_words(net->plan.combine[i]));
}

int cnn_step_plan_describe(const cnn_net *net, char *buf, size_t size) {
  const struct cnn_step_plan *plan = &net->plan;
  size_t n = 0, *used = &n;
  if (size) buf[0] = '\0';
  APPEND("step plan: micro-batches of %d image%s (%s), each run through every layer by "
         "one thread\n",
         plan->micro_batch, plan->micro_batch == 1 ? "" : "s",
         plan->auto_micro_batch ? "from the L2 size and the batch" : "as asked");
  APPEND("  %zu KiB of buffers per image; L2 %zu KiB per core; %d micro-batch%s per step "
         "of %d\n",
         plan->image_bytes >> 10, plan->l2_bytes >> 10, plan->max_micro_batches,
         plan->max_micro_batches == 1 ? "" : "es", net->max_batch);
  APPEND("  %-3s %-22s %-34s %s\n", "#", "layer", "runs", "parameter gradient");
  for (int i = 0; i < net->num_layers; i++) describe_layer(net, i, buf, size, used);
  return (int)n;
}
