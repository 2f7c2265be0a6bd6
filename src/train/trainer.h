/* Internal: the trainer's state, shared by the training loop and its
 * checkpoints. */
#ifndef CNN_TRAIN_TRAINER_H
#define CNN_TRAIN_TRAINER_H

#include "cnn/dist.h"
#include "train/net.h"
#include "train/optimizer.h"

struct cnn_trainer {
  cnn_context *ctx; /* borrowed */
  cnn_net *net;
  struct cnn_optimizer *opt;
  cnn_rng rng;
  uint64_t epoch, step;
  int32_t *order; /* the epoch's shuffled image indices */
  int order_capacity;
  cnn_dist *dist; /* borrowed; NULL: alone */
};

/* A trainer around a new net of model_text; weights from rng, which then
 * becomes the trainer's. */
cnn_status cnn_trainer_build(cnn_context *ctx, const char *model_text,
                             const cnn_train_settings *settings, cnn_rng *rng,
                             cnn_trainer **trainer);

#endif
