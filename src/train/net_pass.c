/* The forward pass, the loss and the backward pass over a batch, split
 * cut into micro-batches by the step plan. */
#include <math.h>

#include "runtime/clock.h"
#include "runtime/context.h"
#include "runtime/error.h"
#include "runtime/parallel.h"
#include "train/net.h"

/* The passes over images [first, first + n) of the batch buffers, on ctx.
 * profile, when not NULL, receives each layer's time. */
static cnn_status forward_part(cnn_net *net, cnn_context *ctx, int first, int n,
                               cnn_train_profile *profile) {
  for (int i = 0; i < net->num_layers; i++) {
    const struct cnn_layer *layer = net->layers[i];
    if (layer->ops->is_view || (layer->fused & CNN_LAYER_FUSED_FORWARD)) continue;
    cnn_tensor x = cnn_tensor_slice(&net->acts[i], first, n);
    cnn_tensor y = cnn_tensor_slice(&net->acts[i + 1], first, n);
    const double start = profile ? cnn_seconds() : 0;
    cnn_status st = layer->ops->forward(layer, ctx, &x, &y);
    if (st) return st;
    if (profile) profile->forward_s[i] += cnn_seconds() - start;
  }
  return CNN_STATUS_OK;
}

/* The loss of the part: *loss_sum is its summed (not mean) cross-entropy,
 * and the logits' gradient is that of the mean over all batch images. */
static cnn_status loss_part(cnn_net *net, cnn_context *ctx, int first, int n, int batch,
                            int backward, double *loss_sum, int *correct) {
  int L = net->num_layers;
  cnn_tensor logits = cnn_tensor_slice(&net->acts[L], first, n);
  cnn_tensor probs = cnn_tensor_slice(&net->deltas[L], first, n);
  const int32_t *labels = net->labels + first;
  int classes = logits.c * logits.h * logits.w;
  *correct = 0;
  for (int i = 0; i < n; i++)
    *correct += cnn_argmax(logits.data + (size_t)i * classes, classes) == labels[i];
  float mean;
  cnn_status st = cnn_softmax_xent_forward(ctx, &logits, labels, &probs, &mean);
  if (st) return st;
  *loss_sum = (double)mean * n;
  if (!backward) return CNN_STATUS_OK;
  if ((st = cnn_softmax_xent_backward(ctx, &probs, labels, &probs))) return st;
  if (n != batch) { /* (probs - onehot) / n, rescaled to / batch */
    const float rescale = (float)n / (float)batch;
    for (size_t j = 0; j < cnn_tensor_numel(&probs); j++) probs.data[j] *= rescale;
  }
  return CNN_STATUS_OK;
}

/* grads: a flat list shaped like net->grads whose CNN_GRAD_SLOTS entries
 * are overwritten (the micro-batch's slots); the others are not used. */
static cnn_status backward_part(cnn_net *net, cnn_context *ctx, int first, int n,
                                cnn_tensor *grads, cnn_train_profile *profile) {
  const int lowest = net->plan.lowest_backward;
  for (int i = net->num_layers - 1; i >= lowest; i--) {
    const struct cnn_layer *layer = net->layers[i];
    if (layer->ops->is_view || (layer->fused & CNN_LAYER_FUSED_BACKWARD)) continue;
    cnn_tensor x = cnn_tensor_slice(&net->acts[i], first, n);
    cnn_tensor y = cnn_tensor_slice(&net->acts[i + 1], first, n);
    cnn_tensor dy = cnn_tensor_slice(&net->deltas[i + 1], first, n);
    cnn_tensor dx = cnn_tensor_slice(&net->deltas[i], first, n);
    cnn_tensor *layer_grads =
        net->plan.combine[i] == CNN_GRAD_SLOTS ? grads + (layer->grads - net->grads) : NULL;
    const double start = profile ? cnn_seconds() : 0;
    cnn_status st =
        layer->ops->backward(layer, ctx, &x, &y, &dy, i > lowest ? &dx : NULL, layer_grads);
    if (st) return st;
    if (profile) profile->backward_s[i] += cnn_seconds() - start;
  }
  return CNN_STATUS_OK;
}

/* Micro-batch m of a pass over n images, on one thread. */
static cnn_status micro_batch_pass(cnn_net *net, cnn_context *ctx, int m, int n,
                                   cnn_net_pass_kind kind, cnn_train_profile *profile) {
  struct cnn_step_plan *plan = &net->plan;
  const int first = m * plan->micro_batch;
  const int count = n - first < plan->micro_batch ? n - first : plan->micro_batch;
  cnn_status st = forward_part(net, ctx, first, count, profile);
  if (st || kind == CNN_NET_FORWARD) return st;
  const double start = profile ? cnn_seconds() : 0;
  if ((st = loss_part(net, ctx, first, count, n, kind == CNN_NET_TRAIN,
                      &plan->loss_sums[m], &plan->corrects[m])))
    return st;
  if (profile) profile->loss_s += cnn_seconds() - start;
  if (kind != CNN_NET_TRAIN) return st;
  return backward_part(net, ctx, first, count, plan->slots + (size_t)m * net->num_params,
                       profile);
}

/* The calling thread's part of combining the step's gradients: the
 * CNN_GRAD_BATCH layers' gradients over all n images, and the sums of the
 * slots of micro-batches 0..micro_batches-1 for the others. Each value is
 * computed by one thread in an order fixed by the micro-batch index (the
 * slots) or by the image index (the batch layers), so how the threads
 * split the values cannot change a bit. */
static cnn_status combine_grads(cnn_net *net, cnn_context *ctx, int n, int micro_batches,
                                cnn_train_profile *profile) {
  const struct cnn_step_plan *plan = &net->plan;
  const int part = cnn_thread_index(), parts = cnn_threads_here();
  for (int i = plan->lowest_backward; i < net->num_layers; i++) {
    const struct cnn_layer *layer = net->layers[i];
    if (plan->combine[i] == CNN_GRAD_BATCH) {
      cnn_tensor x = cnn_tensor_slice(&net->acts[i], 0, n);
      cnn_tensor dy = cnn_tensor_slice(&net->deltas[i + 1], 0, n);
      const double start = profile ? cnn_seconds() : 0;
      cnn_status st = layer->ops->backward_params(layer, ctx, &x, &dy, part, parts);
      if (st) return st;
      if (profile) profile->backward_s[i] += cnn_seconds() - start;
      continue;
    }
    const double start = profile ? cnn_seconds() : 0;
    for (int p = 0; plan->combine[i] == CNN_GRAD_SLOTS && p < layer->num_params; p++) {
      const size_t k = (size_t)(layer->grads - net->grads) + (size_t)p;
      float *sum = net->grads[k].data;
      size_t first, end;
      cnn_thread_share(cnn_tensor_numel(&net->grads[k]), &first, &end);
      for (size_t j = first; j < end; j++) {
        float total = plan->slots[k].data[j];
        for (int m = 1; m < micro_batches; m++)
          total += plan->slots[(size_t)m * net->num_params + k].data[j];
        sum[j] = total;
      }
    }
    if (profile) profile->combine_s += cnn_seconds() - start;
  }
  return CNN_STATUS_OK;
}

/* The calling thread's part of the layers' per-pass work on their
 * parameters, finished by every thread before any micro-batch starts. */
static void prepare_layers(cnn_net *net, const cnn_context *ctx, cnn_train_profile *profile) {
  const double start = profile ? cnn_seconds() : 0;
  for (int i = 0; i < net->num_layers; i++)
    if (net->layers[i]->ops->prepare)
      net->layers[i]->ops->prepare(net->layers[i], ctx, cnn_thread_index(),
                                   cnn_threads_here());
  if (profile) profile->prepare_s += cnn_seconds() - start;
  CNN_OMP(barrier)
}

/* The first failed micro-batch's status, with its index when it is not 0. */
static cnn_status first_failure(const cnn_status *statuses, int count) {
  for (int m = 0; m < count; m++)
    if (statuses[m] != CNN_STATUS_OK)
      return m == 0 ? statuses[m]
                    : cnn_error(statuses[m], "net: micro-batch %d failed (%s)", m,
                                cnn_status_str(statuses[m]));
  return CNN_STATUS_OK;
}

/* The worker contexts of a pass over micro_batches micro-batches. */
static cnn_status pass_workers(cnn_context *ctx, int micro_batches, int *workers,
                               cnn_context ***contexts) {
  *workers = ctx->num_threads < micro_batches ? ctx->num_threads : micro_batches;
  if (*workers < 1) *workers = 1;
  return cnn_context_workers(ctx, *workers, contexts);
}

cnn_status cnn_net_pass_micro_batches(cnn_net *net, cnn_context *ctx, int n,
                                      cnn_net_pass_kind kind, int first, int end) {
  struct cnn_step_plan *plan = &net->plan;
  int workers;
  cnn_context **contexts;
  cnn_status st = pass_workers(ctx, end - first, &workers, &contexts);
  if (st || first >= end) return st;
  CNN_OMP(parallel num_threads(workers)) {
    const int t = cnn_thread_index();
    cnn_train_profile *profile = t == 0 ? net->profile : NULL;
    prepare_layers(net, ctx, profile);
    /* Contiguous shares: a thread gets the same micro-batches every step,
     * so the first step grows every worker's scratch memory for good. */
    size_t mine, stop;
    cnn_thread_share((size_t)(end - first), &mine, &stop);
    for (size_t m = (size_t)first + mine; m < (size_t)first + stop; m++)
      plan->statuses[m] = micro_batch_pass(net, contexts[t], (int)m, n, kind, profile);
  }
  return CNN_STATUS_OK;
}

cnn_status cnn_net_pass_combine(cnn_net *net, cnn_context *ctx, int n,
                                cnn_net_pass_kind kind, float *loss, int *correct) {
  struct cnn_step_plan *plan = &net->plan;
  const int micro_batches = (n + plan->micro_batch - 1) / plan->micro_batch;
  cnn_status st = first_failure(plan->statuses, micro_batches);
  if (st) return st;
  if (kind == CNN_NET_TRAIN) {
    int workers;
    cnn_context **contexts;
    if ((st = pass_workers(ctx, micro_batches, &workers, &contexts))) return st;
    cnn_status combined = CNN_STATUS_OK;
    CNN_OMP(parallel num_threads(workers)) {
      const int t = cnn_thread_index();
      cnn_status mine =
          combine_grads(net, contexts[t], n, micro_batches, t == 0 ? net->profile : NULL);
      if (mine) {
        CNN_OMP(critical)
        combined = combined ? combined : mine;
      }
    }
    if (combined) return combined;
  }
  double loss_sum = 0;
  int right = 0;
  for (int m = 0; kind != CNN_NET_FORWARD && m < micro_batches; m++) {
    loss_sum += plan->loss_sums[m];
    right += plan->corrects[m];
  }
  for (int i = 0; i < net->num_layers; i++)
    net->outputs[i] = cnn_tensor_slice(&net->acts[i + 1], 0, n);
  if (loss) *loss = (float)(loss_sum / n);
  if (correct) *correct = right;
  return CNN_STATUS_OK;
}

cnn_status cnn_net_pass(cnn_net *net, cnn_context *ctx, int n, cnn_net_pass_kind kind,
                        float *loss, int *correct) {
  const int micro_batches = (n + net->plan.micro_batch - 1) / net->plan.micro_batch;
  cnn_status st = cnn_net_pass_micro_batches(net, ctx, n, kind, 0, micro_batches);
  return st ? st : cnn_net_pass_combine(net, ctx, n, kind, loss, correct);
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

void cnn_net_load_rows(cnn_net *net, const cnn_context *ctx, const cnn_dataset *ds,
                       const int32_t *order, int first, int from, int to) {
  size_t pixels = (size_t)ds->rows * ds->cols;
  float *x = net->acts[0].data;
  /* Each row is written by one thread, whichever: the bits do not depend
   * on the thread count. Below 16 rows the region costs more than it saves. */
  CNN_OMP(parallel for num_threads(ctx->num_threads) schedule(static) if (to - from >= 16))
  for (int i = from; i < to; i++) {
    int32_t index = order ? order[first + i] : first + i;
    const uint8_t *image = ds->images + (size_t)index * pixels;
    for (size_t p = 0; p < pixels; p++) x[(size_t)i * pixels + p] = image[p] / 255.0f;
    net->labels[i] = ds->labels[index];
  }
}

void cnn_net_load_batch(cnn_net *net, const cnn_context *ctx, const cnn_dataset *ds,
                        const int32_t *order, int first, int n) {
  cnn_net_load_rows(net, ctx, ds, order, first, 0, n);
}
