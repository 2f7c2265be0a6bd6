/* Internal: the net's structure and the passes the trainer drives. */
#ifndef CNN_TRAIN_NET_H
#define CNN_TRAIN_NET_H

#include "cnn/train.h"
#include "train/layer.h"
#include "train/model_text.h"

struct cnn_net {
  char *text; /* canonical model text */
  struct cnn_model model;
  int max_batch;
  int num_layers;
  struct cnn_layer **layers;
  /* The flat lists: every layer's weight then bias, in layer order. */
  int num_params;
  cnn_tensor *params, *grads;
  char **param_names;
  int *param_decay; /* weight decay applies (weights, not biases) */
  /* acts[0] is the input batch, acts[i+1] layer i's output; deltas[i] is
   * the loss gradient with respect to acts[i] (deltas[0] only matters when
   * a view comes first).
   * All hold max_batch images; a view layer's are views of its input's. */
  cnn_tensor *acts, *deltas;
  cnn_tensor *outputs; /* the last forward pass's layer outputs, as views */
  int32_t *labels;     /* max_batch labels of the current batch */
  cnn_train_profile *profile; /* NULL, or where the passes add their times */
};

/* The passes over the first n images of acts[0] (n <= max_batch). */
cnn_status cnn_net_forward(cnn_net *net, cnn_context *ctx, int n);
/* Softmax cross-entropy of the logits against net->labels: the mean loss,
 * the count of correct top-1 predictions, and (into deltas[num_layers])
 * the gradient of the loss with respect to the logits. */
cnn_status cnn_net_loss(cnn_net *net, cnn_context *ctx, int n, float *loss,
                        int *correct);
/* Every parameter gradient from deltas[num_layers]. */
cnn_status cnn_net_backward(cnn_net *net, cnn_context *ctx, int n);

/* Fills acts[0] and labels with n images of ds scaled to [0,1]: images
 * order[first..first+n), or first..first+n when order is NULL. */
void cnn_net_load_batch(cnn_net *net, const cnn_dataset *ds, const int32_t *order,
                        int first, int n);
/* An error unless ds's images and classes fit the net's input and output. */
cnn_status cnn_net_check_dataset(const cnn_net *net, const cnn_dataset *ds,
                                 const char *what);

/* Index of the first largest of n scores: the predicted class. */
static inline int cnn_argmax(const float *scores, int n) {
  int best = 0;
  for (int j = 1; j < n; j++)
    if (scores[j] > scores[best]) best = j;
  return best;
}

#endif
