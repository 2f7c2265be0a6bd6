/* The forward pass, the loss and the backward pass over a batch, split
 * across workers. */
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

/* grads: a flat list shaped like net->grads, overwritten. */
static cnn_status backward_part(cnn_net *net, cnn_context *ctx, int first, int n,
                                cnn_tensor *grads, cnn_train_profile *profile) {
  /* Below the lowest layer with parameters no gradient is needed. */
  int lowest = net->num_layers;
  for (int i = net->num_layers - 1; i >= 0; i--)
    if (net->layers[i]->num_params) lowest = i;
  for (int i = net->num_layers - 1; i >= lowest; i--) {
    const struct cnn_layer *layer = net->layers[i];
    if (layer->ops->is_view || (layer->fused & CNN_LAYER_FUSED_BACKWARD)) continue;
    cnn_tensor x = cnn_tensor_slice(&net->acts[i], first, n);
    cnn_tensor y = cnn_tensor_slice(&net->acts[i + 1], first, n);
    cnn_tensor dy = cnn_tensor_slice(&net->deltas[i + 1], first, n);
    cnn_tensor dx = cnn_tensor_slice(&net->deltas[i], first, n);
    const double start = profile ? cnn_seconds() : 0;
    cnn_status st = layer->ops->backward(layer, ctx, &x, &y, &dy, i > lowest ? &dx : NULL,
                                         grads + (layer->grads - net->grads));
    if (st) return st;
    if (profile) profile->backward_s[i] += cnn_seconds() - start;
  }
  return CNN_STATUS_OK;
}

/* One worker's whole pass over its part. */
static cnn_status pass_part(cnn_net *net, cnn_context *ctx, int first, int n, int batch,
                            cnn_net_pass_kind kind, cnn_tensor *grads,
                            cnn_train_profile *profile, double *loss_sum, int *correct) {
  cnn_status st = forward_part(net, ctx, first, n, profile);
  if (st || kind == CNN_NET_FORWARD) return st;
  const double start = profile ? cnn_seconds() : 0;
  if ((st = loss_part(net, ctx, first, n, batch, kind == CNN_NET_TRAIN, loss_sum, correct)))
    return st;
  if (profile) profile->loss_s += cnn_seconds() - start;
  if (kind != CNN_NET_TRAIN) return st;
  return backward_part(net, ctx, first, n, grads, profile);
}

/* net->grads += every other worker's gradients, in worker order. */
static void sum_worker_grads(cnn_net *net, int workers) {
  for (int k = 0; k < net->num_params; k++) {
    float *sum = net->grads[k].data;
    size_t first, end;
    cnn_thread_share(cnn_tensor_numel(&net->grads[k]), &first, &end);
    for (size_t j = first; j < end; j++) {
      float total = sum[j];
      for (int t = 1; t < workers; t++)
        total += net->worker_grads[(size_t)(t - 1) * net->num_params + k].data[j];
      sum[j] = total;
    }
  }
}

/* Workers for n images on ctx: one per thread, each with at least
 * CNN_NET_MIN_WORKER_IMAGES images. */
static int workers_for(const cnn_net *net, const cnn_context *ctx, int n) {
  int workers = ctx->num_threads < net->workers ? ctx->num_threads : net->workers;
  if (workers > n / CNN_NET_MIN_WORKER_IMAGES) workers = n / CNN_NET_MIN_WORKER_IMAGES;
  return workers < 1 ? 1 : workers;
}

cnn_status cnn_net_pass(cnn_net *net, cnn_context *ctx, int n, cnn_net_pass_kind kind,
                        float *loss, int *correct) {
  const int workers = workers_for(net, ctx, n);
  double loss_sum = 0;
  int right = 0;
  cnn_status st = CNN_STATUS_OK;
  if (workers == 1) {
    st = pass_part(net, ctx, 0, n, n, kind, net->grads, net->profile, &loss_sum, &right);
  } else {
    cnn_context **contexts;
    if ((st = cnn_context_workers(ctx, workers, &contexts))) return st;
    cnn_status status[CNN_NET_MAX_WORKERS];
    double sums[CNN_NET_MAX_WORKERS];
    int rights[CNN_NET_MAX_WORKERS];
    CNN_OMP(parallel num_threads(workers)) {
      const int t = cnn_thread_index();
      size_t first, end;
      cnn_thread_share((size_t)n, &first, &end);
      sums[t] = 0;
      rights[t] = 0;
      status[t] = pass_part(
          net, contexts[t], (int)first, (int)(end - first), n, kind,
          t == 0 ? net->grads : net->worker_grads + (size_t)(t - 1) * net->num_params,
          t == 0 ? net->profile : NULL, &sums[t], &rights[t]);
      if (kind == CNN_NET_TRAIN) {
        CNN_OMP(barrier)
        int ok = 1;
        for (int u = 0; u < workers; u++) ok &= status[u] == CNN_STATUS_OK;
        if (ok) sum_worker_grads(net, workers);
      }
    }
    for (int t = 0; t < workers; t++) {
      if (status[t] != CNN_STATUS_OK && st == CNN_STATUS_OK)
        st = t == 0 ? status[t]
                    : cnn_error(status[t], "net: the pass of worker %d failed (%s)", t,
                                cnn_status_str(status[t]));
      loss_sum += sums[t];
      right += rights[t];
    }
  }
  if (st) return st;
  for (int i = 0; i < net->num_layers; i++)
    net->outputs[i] = cnn_tensor_slice(&net->acts[i + 1], 0, n);
  if (loss) *loss = (float)(loss_sum / n);
  if (correct) *correct = right;
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
