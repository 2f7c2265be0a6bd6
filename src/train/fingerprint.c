/* A trainer's fingerprint: what decides the bits of its next steps. */
#include <string.h>

#include "train/trainer.h"

static uint64_t hash_tensors(const cnn_tensor *tensors, int count, uint64_t h) {
  for (int k = 0; k < count; k++)
    h = cnn_dist_hash(tensors[k].data, cnn_tensor_numel(&tensors[k]) * sizeof(float), h);
  return h;
}

uint64_t cnn_trainer_fingerprint(const cnn_trainer *tr) {
  char settings[256];
  cnn_train_settings_format(&tr->opt->settings, settings, sizeof settings);
  uint64_t h = cnn_dist_hash(tr->net->text, strlen(tr->net->text), 0);
  h = cnn_dist_hash(settings, strlen(settings), h);
  h = cnn_dist_hash(&tr->epoch, sizeof tr->epoch, h);
  h = cnn_dist_hash(&tr->step, sizeof tr->step, h);
  h = cnn_dist_hash(tr->rng.s, sizeof tr->rng.s, h);
  h = hash_tensors(tr->net->params, tr->net->num_params, h);
  return hash_tensors(tr->opt->state, cnn_optimizer_num_state(tr->opt), h);
}
