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
  /* Workers of cnn_net_pass, as many as the building context's threads (at
   * most CNN_NET_MAX_WORKERS), each running on one of that context's worker
   * contexts; the gradients of workers 1.. ((workers - 1) * num_params
   * tensors; worker 0 writes net->grads). */
  int workers;
  cnn_tensor *worker_grads;
};

/* cnn_net_create, with the choice whether ReLU layers run inside their
 * neighbours (cnn_net_layer_fused; cnn_net_create fuses): the net without
 * is the reference the fused one is tested against. */
cnn_status cnn_net_create_fusing(cnn_context *ctx, const char *model_text, int max_batch,
                                 cnn_rng *rng, int fuse, cnn_net **out);

#define CNN_NET_MAX_WORKERS 256
#define CNN_NET_MIN_WORKER_IMAGES 4

/* Passes over the first n images of acts[0] (n <= max_batch). */
typedef enum cnn_net_pass_kind {
  CNN_NET_FORWARD, /* the layers only */
  CNN_NET_LOSS,    /* and the loss against net->labels */
  CNN_NET_TRAIN    /* and the gradients: of the logits (in deltas[num_layers])
                      and of every parameter (in net->grads) */
} cnn_net_pass_kind;

/* Threads split the batch into contiguous parts, one per worker, and each
 * worker runs the whole pass over its part on its own single-thread context
 * (every layer on one thread, one parallel region per pass); the workers'
 * parameter gradients are then summed in worker order, so a thread count
 * gives the same bits run after run. One worker (one thread, or fewer than
 * two parts of CNN_NET_MIN_WORKER_IMAGES images) runs on ctx, whose
 * threads the layers use. *loss (mean cross-entropy) and *correct (top-1
 * hits) are set for LOSS and TRAIN; either may be NULL. */
cnn_status cnn_net_pass(cnn_net *net, cnn_context *ctx, int n, cnn_net_pass_kind kind,
                        float *loss, int *correct);

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
