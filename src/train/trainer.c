/* The training loop: shuffled mini-batches, one optimizer step each. */
#include "train/trainer.h"

#include <math.h>

#include "runtime/error.h"
#include "runtime/memory.h"

cnn_status cnn_trainer_build(cnn_context *ctx, const char *model_text,
                             const cnn_train_settings *settings, cnn_rng *rng,
                             cnn_trainer **out) {
  *out = NULL;
  cnn_status st = cnn_train_settings_check(settings);
  if (st) return st;
  cnn_trainer *tr = cnn_alloc_zeroed(1, sizeof *tr, "trainer");
  if (!tr) return CNN_STATUS_OUT_OF_MEMORY;
  tr->ctx = ctx;
  if ((st = cnn_net_create(ctx, model_text, settings->batch, rng, &tr->net)) ||
      (st = cnn_optimizer_create(settings, tr->net, &tr->opt))) {
    cnn_trainer_free(tr);
    return st;
  }
  tr->rng = *rng;
  *out = tr;
  return CNN_STATUS_OK;
}

cnn_status cnn_trainer_create(cnn_context *ctx, const char *model_text,
                              const cnn_train_settings *settings, uint64_t seed,
                              cnn_trainer **out) {
  if (!out) return cnn_error(CNN_STATUS_INVALID_ARGUMENT, "trainer: out is NULL");
  *out = NULL;
  if (!ctx || !model_text || !settings)
    return cnn_error(CNN_STATUS_INVALID_ARGUMENT, "trainer: %s is NULL",
                     !ctx ? "ctx" : !model_text ? "model_text" : "settings");
  cnn_rng rng;
  cnn_rng_seed(&rng, seed);
  return cnn_trainer_build(ctx, model_text, settings, &rng, out);
}

void cnn_trainer_free(cnn_trainer *tr) {
  if (!tr) return;
  cnn_net_free(tr->net);
  cnn_optimizer_free(tr->opt);
  cnn_free(tr->order);
  cnn_free(tr);
}

cnn_net *cnn_trainer_net(cnn_trainer *tr) { return tr->net; }
const cnn_train_settings *cnn_trainer_settings(const cnn_trainer *tr) {
  return &tr->opt->settings;
}
uint64_t cnn_trainer_epoch(const cnn_trainer *tr) { return tr->epoch; }
uint64_t cnn_trainer_step(const cnn_trainer *tr) { return tr->step; }

/* A fresh Fisher-Yates shuffle of 0..count-1 (not of the last epoch's
 * order, so that the RNG state alone decides an epoch). */
static cnn_status shuffle(cnn_trainer *tr, int count) {
  if (count > tr->order_capacity) {
    int32_t *order = cnn_alloc((size_t)count, sizeof *order, "epoch order");
    if (!order) return CNN_STATUS_OUT_OF_MEMORY;
    cnn_free(tr->order);
    tr->order = order;
    tr->order_capacity = count;
  }
  for (int i = 0; i < count; i++) tr->order[i] = i;
  for (int i = count - 1; i > 0; i--) {
    int j = (int)cnn_rng_below(&tr->rng, (uint64_t)i + 1);
    int32_t t = tr->order[i];
    tr->order[i] = tr->order[j];
    tr->order[j] = t;
  }
  return CNN_STATUS_OK;
}

cnn_status cnn_trainer_train_epoch(cnn_trainer *tr, const cnn_dataset *train,
                                   cnn_progress_fn progress, void *user,
                                   cnn_epoch_stats *stats) {
  if (!tr || !stats) return cnn_error(CNN_STATUS_INVALID_ARGUMENT, "train: a NULL argument");
  cnn_net *net = tr->net;
  cnn_status st = cnn_net_check_dataset(net, train, "train");
  if (st || (st = shuffle(tr, train->count))) return st;
  const cnn_train_settings *settings = &tr->opt->settings;
  int batch = settings->batch, steps = (train->count + batch - 1) / batch;
  /* From the epoch count alone, so a resumed run continues the schedule. */
  float lr = (float)(settings->lr * pow(settings->lr_decay, (double)tr->epoch));
  double loss_sum = 0;
  int correct = 0;
  for (int s = 0; s < steps; s++) {
    int first = s * batch;
    int n = train->count - first < batch ? train->count - first : batch;
    cnn_net_load_batch(net, train, tr->order, first, n);
    float loss;
    int batch_correct;
    if ((st = cnn_net_forward(net, tr->ctx, n)) ||
        (st = cnn_net_loss(net, tr->ctx, n, &loss, &batch_correct)))
      return st;
    if (!isfinite(loss))
      return cnn_error(CNN_STATUS_NUMERIC_ERROR,
                       "train: the loss is %g at epoch %llu, step %d of %d (step %llu "
                       "overall); try a lower learning rate",
                       (double)loss, (unsigned long long)tr->epoch + 1, s + 1, steps,
                       (unsigned long long)tr->step + 1);
    if ((st = cnn_net_backward(net, tr->ctx, n))) return st;
    cnn_optimizer_step(tr->opt, net, lr, ++tr->step);
    loss_sum += (double)loss * n;
    correct += batch_correct;
    if (progress && progress(user, first + n, train->count, loss_sum / (first + n)))
      return cnn_error(CNN_STATUS_INTERRUPTED, "train: stopped in epoch %llu at step %d",
                       (unsigned long long)tr->epoch + 1, s + 1);
  }
  tr->epoch++;
  *stats = (cnn_epoch_stats){tr->epoch, loss_sum / train->count,
                             (double)correct / train->count, train->count};
  return CNN_STATUS_OK;
}
