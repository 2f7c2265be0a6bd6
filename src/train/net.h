/* Internal: the net's structure and the passes the trainer drives. */
#ifndef CNN_TRAIN_NET_H
#define CNN_TRAIN_NET_H

#include "cnn/train.h"
#include "train/layer.h"
#include "train/model_text.h"
#include "train/step_plan.h"

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
  struct cnn_step_plan plan;
};

/* How a net is built beyond its text and batch: fuse, whether ReLU layers
 * run inside their neighbours (cnn_net_layer_fused; the net without is the
 * reference the fused one is tested against); micro_batch, the images per
 * micro-batch (0: from the L2 size). */
struct cnn_net_options {
  int fuse;
  int micro_batch;
};

cnn_status cnn_net_create_with(cnn_context *ctx, const char *model_text, int max_batch,
                               cnn_rng *rng, const struct cnn_net_options *options,
                               cnn_net **out);

/* Passes over the first n images of acts[0] (n <= max_batch). */
typedef enum cnn_net_pass_kind {
  CNN_NET_FORWARD, /* the layers only */
  CNN_NET_LOSS,    /* and the loss against net->labels */
  CNN_NET_TRAIN    /* and the gradients: of the logits (in deltas[num_layers])
                      and of every parameter (in net->grads) */
} cnn_net_pass_kind;

/* A pass over the first n images of acts[0] (n <= max_batch), by the step
 * plan: the threads of ctx take the micro-batches in turn, each running one
 * through every layer on its own single-thread worker context, in a
 * parallel region; then, in a second one, the gradients of the
 * CNN_GRAD_BATCH layers are computed and the slots of the others summed,
 * the threads splitting the values. The bits of every output, gradient and
 * loss depend on the images and the micro-batch size only, never on the
 * thread count. *loss (mean
 * cross-entropy) and *correct (top-1 hits) are set for LOSS and TRAIN;
 * either may be NULL. */
cnn_status cnn_net_pass(cnn_net *net, cnn_context *ctx, int n, cnn_net_pass_kind kind,
                        float *loss, int *correct);

/* cnn_net_pass in its two phases, for a step whose micro-batches run in
 * several processes (src/train/step_exchange.c): the first runs micro-batches
 * [first, end) of a pass over n images, each on one thread (their images
 * must be loaded); once every micro-batch's slots, losses, statuses and the
 * CNN_GRAD_BATCH layers' rows of all n images are in place, the second
 * combines them as cnn_net_pass does. Each is one parallel region, so that
 * what runs between them runs outside any. */
cnn_status cnn_net_pass_micro_batches(cnn_net *net, cnn_context *ctx, int n,
                                      cnn_net_pass_kind kind, int first, int end);
cnn_status cnn_net_pass_combine(cnn_net *net, cnn_context *ctx, int n,
                                cnn_net_pass_kind kind, float *loss, int *correct);

/* Fills rows [from, to) of acts[0] and labels with images order[first+from
 * .. first+to) of ds (first+from.. when order is NULL) scaled to [0,1],
 * the rows split over ctx's threads. */
void cnn_net_load_rows(cnn_net *net, const cnn_context *ctx, const cnn_dataset *ds,
                       const int32_t *order, int first, int from, int to);
/* Fills acts[0] and labels with n images of ds scaled to [0,1]: images
 * order[first..first+n), or first..first+n when order is NULL. */
void cnn_net_load_batch(cnn_net *net, const cnn_context *ctx, const cnn_dataset *ds,
                        const int32_t *order, int first, int n);
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
