/* The training loop: shuffled mini-batches, one optimizer step each. */
#include "train/trainer.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "runtime/clock.h"
#include "runtime/error.h"
#include "runtime/memory.h"
#include "train/step_exchange.h"

cnn_status cnn_trainer_build(cnn_context *ctx, const char *model_text,
                             const cnn_train_settings *settings, cnn_rng *rng,
                             cnn_trainer **out) {
  *out = NULL;
  cnn_status st = cnn_train_settings_check(settings);
  if (st) return st;
  cnn_trainer *tr = cnn_alloc_zeroed(1, sizeof *tr, "trainer");
  if (!tr) return CNN_STATUS_OUT_OF_MEMORY;
  tr->ctx = ctx;
  const struct cnn_net_options options = {.fuse = 1, .micro_batch = settings->micro_batch};
  /* The settings as run: the micro-batch size the plan chose, which the
   * bits depend on, goes into checkpoints. */
  cnn_train_settings planned = *settings;
  if (!(st = cnn_net_create_with(ctx, model_text, settings->batch, rng, &options,
                                 &tr->net)))
    planned.micro_batch = tr->net->plan.micro_batch;
  if (st || (st = cnn_optimizer_create(&planned, tr->net, &tr->opt))) {
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

void cnn_trainer_set_dist(cnn_trainer *tr, cnn_dist *dist) {
  if (tr) tr->dist = dist;
}

void cnn_trainer_set_profile(cnn_trainer *tr, cnn_train_profile *profile) {
  if (tr) tr->net->profile = profile;
}

/* Adds the seconds since *mark to *total and moves the mark. */
static void lap(double *mark, double *total) {
  const double now = cnn_seconds();
  *total += now - *mark;
  *mark = now;
}

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

/* Nonzero when one of the n floats is a NaN or an infinity: all exponent
 * bits set. An OR of integers, which the compiler vectorizes (a float sum
 * it may not reorder would run at one add latency per value: 0.2 s of a
 * `simple` epoch). */
static int any_nonfinite(const float *x, size_t n) {
  const uint32_t exponent = 0x7f800000u;
  uint32_t found = 0;
  for (size_t i = 0; i < n; i++) {
    uint32_t bits;
    memcpy(&bits, &x[i], sizeof bits);
    found |= (bits & exponent) == exponent;
  }
  return found != 0;
}

/* The first parameter whose gradient holds a NaN or an infinity, else -1. */
static int nonfinite_gradient(const cnn_net *net) {
  for (int k = 0; k < net->num_params; k++)
    if (any_nonfinite(net->grads[k].data, cnn_tensor_numel(&net->grads[k]))) return k;
  return -1;
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
    cnn_train_profile *profile = net->profile;
    double mark = profile ? cnn_seconds() : 0;
    int from, to; /* this rank's rows of the batch (all of them when alone) */
    cnn_step_rows(tr->dist, net, n, &from, &to);
    cnn_net_load_rows(net, tr->ctx, train, tr->order, first, from, to);
    if (profile) lap(&mark, &profile->load_s);
    float loss;
    int batch_correct;
    if ((st = cnn_step_train(net, tr->ctx, tr->dist, n, &loss, &batch_correct))) return st;
    if (!isfinite(loss))
      return cnn_error(CNN_STATUS_NUMERIC_ERROR,
                       "train: the loss is %g at epoch %llu, step %d of %d (step %llu "
                       "overall); try a lower learning rate",
                       (double)loss, (unsigned long long)tr->epoch + 1, s + 1, steps,
                       (unsigned long long)tr->step + 1);
    /* Checked before the step, so the weights stay the last finite ones. */
    if (profile) mark = cnn_seconds();
    int bad = nonfinite_gradient(net);
    if (bad >= 0)
      return cnn_error(CNN_STATUS_NUMERIC_ERROR,
                       "train: the gradient of %s is not finite at epoch %llu, step %d of %d "
                       "(step %llu overall); try a lower learning rate",
                       net->param_names[bad], (unsigned long long)tr->epoch + 1, s + 1,
                       steps, (unsigned long long)tr->step + 1);
    cnn_optimizer_step(tr->opt, net, tr->ctx, lr, ++tr->step);
    if (profile) lap(&mark, &profile->update_s);
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
