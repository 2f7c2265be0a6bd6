/* Using a net: class probabilities of given images, accuracy and confusion
 * matrix over a data set. */
#include <string.h>

#include "runtime/error.h"
#include "train/net.h"

cnn_status cnn_net_predict(cnn_net *net, cnn_context *ctx, const float *images,
                           int n, float *probs) {
  if (!net || !ctx || !images || !probs)
    return cnn_error(CNN_STATUS_INVALID_ARGUMENT, "predict: a NULL argument");
  if (n < 1 || n > net->max_batch)
    return cnn_error(CNN_STATUS_INVALID_ARGUMENT,
                     "predict: %d images, expected 1..%d (the net's max batch)", n,
                     net->max_batch);
  memcpy(net->acts[0].data, images,
         (size_t)n * cnn_tensor_numel(&net->acts[0]) / (size_t)net->max_batch *
             sizeof(float));
  cnn_status st = cnn_net_pass(net, ctx, n, CNN_NET_FORWARD, NULL, NULL);
  if (st) return st;
  /* The loss layer's softmax gives the probabilities; the labels (all 0)
   * only affect the loss, which is ignored. */
  memset(net->labels, 0, (size_t)n * sizeof *net->labels);
  int L = net->num_layers;
  cnn_tensor logits = cnn_tensor_slice(&net->acts[L], 0, n);
  cnn_tensor out = cnn_tensor_slice(&net->deltas[L], 0, n);
  float loss;
  if ((st = cnn_softmax_xent_forward(ctx, &logits, net->labels, &out, &loss)))
    return st;
  memcpy(probs, out.data, cnn_tensor_numel(&out) * sizeof(float));
  return CNN_STATUS_OK;
}

cnn_status cnn_net_evaluate(cnn_net *net, cnn_context *ctx, const cnn_dataset *ds,
                            cnn_evaluation *result) {
  if (!net || !ctx || !result)
    return cnn_error(CNN_STATUS_INVALID_ARGUMENT, "evaluate: a NULL argument");
  memset(result, 0, sizeof *result);
  cnn_status st = cnn_net_check_dataset(net, ds, "evaluate");
  if (st) return st;
  double loss_sum = 0;
  int correct = 0;
  for (int first = 0; first < ds->count; first += net->max_batch) {
    int n = ds->count - first < net->max_batch ? ds->count - first : net->max_batch;
    cnn_net_load_batch(net, ctx, ds, NULL, first, n);
    float loss;
    int batch_correct;
    if ((st = cnn_net_pass(net, ctx, n, CNN_NET_LOSS, &loss, &batch_correct)))
      return st;
    loss_sum += (double)loss * n;
    correct += batch_correct;
    const float *logits = net->acts[net->num_layers].data;
    for (int i = 0; i < n; i++)
      result->confusion[net->labels[i]][cnn_argmax(
          logits + (size_t)i * CNN_DATASET_CLASSES, CNN_DATASET_CLASSES)]++;
  }
  result->count = ds->count;
  result->loss = loss_sum / ds->count;
  result->accuracy = (double)correct / ds->count;
  return CNN_STATUS_OK;
}
