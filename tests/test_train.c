/* Training on the committed MNIST subset (2,000 training and 500 test
 * images): lenet5 learns, the same seed gives the same bits at any thread
 * count, checkpoints
 * round-trip, 2 epochs equal 1 epoch + resume + 1 epoch, and training steps
 * after the first allocate nothing. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/memory.h"
#include "testutil.h"

#define SEED 20261123u
#define THREADS 2

/* Every layer kind, small enough to train in a fraction of a second. */
static const char *const every_layer =
    "input 1x28x28, conv 4 3x3 pad 1, tanh, avgpool 2, conv 6 3x3 stride 2, sigmoid, "
    "maxpool 2 stride 1, flatten, fc 16 init xavier, relu, fc 10 init gauss 0.05";

static cnn_dataset train_set, test_set;
static cnn_context *ctx;

/* The first count images of ds, sharing its memory. */
static cnn_dataset head(const cnn_dataset *ds, int count) {
  cnn_dataset part = *ds;
  part.count = count;
  return part;
}

static cnn_trainer *new_trainer_on(cnn_context *on, const char *model,
                                   cnn_optimizer_kind kind, int batch) {
  cnn_train_settings settings = cnn_train_settings_default(kind);
  settings.batch = batch;
  settings.weight_decay = 1e-4f;
  settings.lr_decay = 0.7f; /* the resume tests then prove the schedule continues */
  cnn_trainer *tr = NULL;
  CHECK_OK(cnn_trainer_create(on, model, &settings, SEED, &tr));
  return tr;
}

static cnn_trainer *new_trainer(const char *model, cnn_optimizer_kind kind, int batch) {
  return new_trainer_on(ctx, model, kind, batch);
}

static int train_epochs(cnn_trainer *tr, const cnn_dataset *ds, int epochs) {
  for (int e = 0; e < epochs; e++) {
    cnn_epoch_stats stats;
    cnn_status st = cnn_trainer_train_epoch(tr, ds, NULL, NULL, &stats);
    CHECK_OK(st);
    if (st) return 0;
  }
  return 1;
}

/* Bit equality of every parameter of two nets. */
static int same_weights(const char *what, cnn_net *a, cnn_net *b) {
  int ok = cnn_net_num_params(a) == cnn_net_num_params(b);
  CHECK(ok, "%s: %d vs %d parameter tensors", what, cnn_net_num_params(a),
        cnn_net_num_params(b));
  for (int k = 0; ok && k < cnn_net_num_params(a); k++) {
    char name[128];
    snprintf(name, sizeof name, "%s: %s", what, cnn_net_param_name(a, k));
    ok = test_equal(name, cnn_net_param(b, k)->data, cnn_net_param(a, k)->data,
                    cnn_tensor_numel(cnn_net_param(a, k)));
  }
  return ok;
}

static void test_lenet5_learns(void) {
  cnn_trainer *tr = new_trainer("lenet5", CNN_OPTIMIZER_ADAM, 32);
  if (!tr) return;
  double first_loss = 0, last_loss = 0;
  for (int e = 1; e <= 4; e++) {
    cnn_epoch_stats stats;
    CHECK_OK(cnn_trainer_train_epoch(tr, &train_set, NULL, NULL, &stats));
    if (e == 1) first_loss = stats.loss;
    last_loss = stats.loss;
    CHECK(stats.epoch == (uint64_t)e && stats.images == train_set.count,
          "epoch %llu, %d images", (unsigned long long)stats.epoch, stats.images);
  }
  CHECK(last_loss < first_loss, "training loss went from %g to %g", first_loss,
        last_loss);
  /* ceil(2000 / 32) = 63 steps per epoch: the last, partial batch counts. */
  CHECK(cnn_trainer_step(tr) == 4 * 63, "steps %llu, want 252",
        (unsigned long long)cnn_trainer_step(tr));
  cnn_evaluation ev;
  CHECK_OK(cnn_net_evaluate(cnn_trainer_net(tr), ctx, &test_set, &ev));
  printf("lenet5, 4 epochs on 2000 images (seed %u): test accuracy %.4f, loss %.4f\n",
         SEED, ev.accuracy, ev.loss);
  CHECK(ev.accuracy >= 0.90, "test accuracy %.4f < 0.90 (seed %u)", ev.accuracy, SEED);
  int total = 0, diagonal = 0;
  for (int t = 0; t < CNN_DATASET_CLASSES; t++)
    for (int p = 0; p < CNN_DATASET_CLASSES; p++) {
      total += ev.confusion[t][p];
      diagonal += t == p ? ev.confusion[t][p] : 0;
    }
  CHECK(total == test_set.count && ev.count == test_set.count,
        "confusion matrix holds %d of %d images", total, test_set.count);
  CHECK(fabs((double)diagonal / total - ev.accuracy) < 1e-12,
        "diagonal %d / %d disagrees with accuracy %.6f", diagonal, total, ev.accuracy);
  cnn_trainer_free(tr);
}

static void test_same_seed_same_bits(void) {
  cnn_dataset part = head(&train_set, 700);
  for (int kind = CNN_OPTIMIZER_SGD; kind <= CNN_OPTIMIZER_ADAM; kind++) {
    cnn_trainer *a = new_trainer(every_layer, (cnn_optimizer_kind)kind, 50);
    cnn_trainer *b = new_trainer(every_layer, (cnn_optimizer_kind)kind, 50);
    if (a && b && train_epochs(a, &part, 2) && train_epochs(b, &part, 2))
      same_weights(cnn_optimizer_name((cnn_optimizer_kind)kind), cnn_trainer_net(a),
                   cnn_trainer_net(b));
    /* The weights moved from their initial values: the test compares something. */
    cnn_trainer *fresh = new_trainer(every_layer, (cnn_optimizer_kind)kind, 50);
    if (a && fresh) {
      const cnn_tensor *w0 = cnn_net_param(cnn_trainer_net(fresh), 0);
      const cnn_tensor *w2 = cnn_net_param(cnn_trainer_net(a), 0);
      CHECK(memcmp(w0->data, w2->data, cnn_tensor_numel(w0) * sizeof(float)) != 0,
            "%s: training left the first weights unchanged",
            cnn_optimizer_name((cnn_optimizer_kind)kind));
    }
    cnn_trainer_free(a);
    cnn_trainer_free(b);
    cnn_trainer_free(fresh);
  }
}

/* An epoch at 1, 2 and 3 threads (3 on fewer cores too) ends in the same
 * weights, bit for bit: every sum over images runs in an order fixed by the
 * micro-batch index, whichever thread ran which micro-batch. */
static void test_thread_count_same_bits(void) {
  static const char *const models[] = {"lenet5", every_layer};
  cnn_dataset part = head(&train_set, 450);
  for (size_t i = 0; i < sizeof models / sizeof models[0]; i++) {
    cnn_trainer *trainers[3] = {NULL};
    cnn_context *contexts[3] = {NULL};
    for (int t = 0; t < 3; t++) {
      CHECK_OK(cnn_context_create(t + 1, &contexts[t]));
      if (contexts[t]) trainers[t] = new_trainer_on(contexts[t], models[i], CNN_OPTIMIZER_ADAM, 50);
      if (trainers[t]) train_epochs(trainers[t], &part, 1);
    }
    for (int t = 1; t < 3; t++) {
      char what[256];
      snprintf(what, sizeof what, "%s, %d threads against 1", models[i], t + 1);
      if (trainers[0] && trainers[t])
        same_weights(what, cnn_trainer_net(trainers[0]), cnn_trainer_net(trainers[t]));
    }
    for (int t = 0; t < 3; t++) {
      cnn_trainer_free(trainers[t]);
      cnn_context_free(contexts[t]);
    }
  }
}

static void test_checkpoint_round_trip(const char *dir) {
  char path[512];
  snprintf(path, sizeof path, "%s/round-trip.ckpt", dir);
  cnn_dataset part = head(&train_set, 300);
  cnn_trainer *a = new_trainer(every_layer, CNN_OPTIMIZER_ADAM, 64);
  if (!a || !train_epochs(a, &part, 1)) return;
  CHECK_OK(cnn_trainer_save(a, path));
  cnn_trainer *b = NULL;
  CHECK_OK(cnn_trainer_resume(ctx, path, &b));
  if (b) {
    same_weights("round trip", cnn_trainer_net(a), cnn_trainer_net(b));
    CHECK(strcmp(cnn_net_text(cnn_trainer_net(a)), cnn_net_text(cnn_trainer_net(b))) == 0,
          "model text \"%s\" came back as \"%s\"", cnn_net_text(cnn_trainer_net(a)),
          cnn_net_text(cnn_trainer_net(b)));
    CHECK(cnn_trainer_epoch(b) == 1 && cnn_trainer_step(b) == 5,
          "position epoch %llu step %llu, want 1 and 5",
          (unsigned long long)cnn_trainer_epoch(b), (unsigned long long)cnn_trainer_step(b));
    CHECK(memcmp(cnn_trainer_settings(a), cnn_trainer_settings(b),
                 sizeof(cnn_train_settings)) == 0,
          "settings differ after the round trip");
  }
  cnn_net *net = NULL;
  CHECK_OK(cnn_net_load(ctx, path, 17, &net));
  if (net) {
    same_weights("net load", cnn_trainer_net(a), net);
    CHECK(cnn_net_max_batch(net) == 17, "max batch %d", cnn_net_max_batch(net));
  }
  /* A missing file is named in the message. */
  cnn_trainer *missing = NULL;
  CHECK_ERROR(cnn_trainer_resume(ctx, "no/such/file.ckpt", &missing), CNN_STATUS_IO_ERROR,
              "no/such/file.ckpt");
  CHECK(missing == NULL, "a failed resume returned a trainer");
  cnn_net_free(net);
  cnn_trainer_free(a);
  cnn_trainer_free(b);
}

/* 2 epochs in one go equal 1 epoch, save, resume, 1 more epoch, bit for bit
 * (for every optimizer: the state in the file must be complete). */
static void test_resume_is_exact(const char *dir) {
  cnn_dataset part = head(&train_set, 500);
  for (int kind = CNN_OPTIMIZER_SGD; kind <= CNN_OPTIMIZER_ADAM; kind++) {
    char path[512];
    snprintf(path, sizeof path, "%s/resume-%d.ckpt", dir, kind);
    cnn_trainer *straight = new_trainer(every_layer, (cnn_optimizer_kind)kind, 48);
    cnn_trainer *first = new_trainer(every_layer, (cnn_optimizer_kind)kind, 48);
    cnn_trainer *resumed = NULL;
    if (straight && first && train_epochs(straight, &part, 2) &&
        train_epochs(first, &part, 1)) {
      CHECK_OK(cnn_trainer_save(first, path));
      CHECK_OK(cnn_trainer_resume(ctx, path, &resumed));
      if (resumed && train_epochs(resumed, &part, 1)) {
        same_weights(cnn_optimizer_name((cnn_optimizer_kind)kind),
                     cnn_trainer_net(straight), cnn_trainer_net(resumed));
        CHECK(cnn_trainer_step(resumed) == cnn_trainer_step(straight),
              "steps %llu vs %llu", (unsigned long long)cnn_trainer_step(resumed),
              (unsigned long long)cnn_trainer_step(straight));
      }
    }
    cnn_trainer_free(straight);
    cnn_trainer_free(first);
    cnn_trainer_free(resumed);
  }
}

struct alloc_probe {
  unsigned long long after_first_step;
  int steps;
};

static int probe_allocations(void *user, int done, int total, double loss) {
  (void)done, (void)total, (void)loss;
  struct alloc_probe *probe = user;
  if (++probe->steps == 1) probe->after_first_step = cnn_alloc_count();
  return 0;
}

static void test_steps_do_not_allocate(void) {
  /* 530 images in batches of 64: 8 full batches and a partial one. */
  cnn_dataset part = head(&train_set, 530);
  const char *models[] = {"lenet5", every_layer};
  for (int m = 0; m < 2; m++) {
    cnn_trainer *tr = new_trainer(models[m], CNN_OPTIMIZER_ADAM, 64);
    if (!tr) continue;
    struct alloc_probe probe = {0, 0};
    cnn_epoch_stats stats;
    CHECK_OK(cnn_trainer_train_epoch(tr, &part, probe_allocations, &probe, &stats));
    CHECK_OK(cnn_trainer_train_epoch(tr, &part, probe_allocations, &probe, &stats));
    unsigned long long end = cnn_alloc_count();
    CHECK(probe.steps == 18, "%d steps, want 18", probe.steps);
    CHECK(end == probe.after_first_step,
          "model %d: %llu allocations after the first training step", m,
          end - probe.after_first_step);
    cnn_trainer_free(tr);
  }
}

static int stop_at_third_step(void *user, int done, int total, double loss) {
  (void)user, (void)total, (void)loss;
  return done >= 3 * 10;
}

static void test_errors(void) {
  cnn_trainer *tr = NULL;
  cnn_train_settings settings = cnn_train_settings_default(CNN_OPTIMIZER_SGD);
  /* A learning rate this large overflows the weights within a few steps. */
  settings.lr = 1e30f;
  settings.batch = 10;
  CHECK_OK(cnn_trainer_create(ctx, "mlp", &settings, SEED, &tr));
  cnn_epoch_stats stats;
  if (tr) {
    cnn_dataset part = head(&train_set, 200);
    CHECK_ERROR(cnn_trainer_train_epoch(tr, &part, NULL, NULL, &stats),
                CNN_STATUS_NUMERIC_ERROR, "at epoch 1, step ");
    cnn_trainer_free(tr);
  }
  settings = cnn_train_settings_default(CNN_OPTIMIZER_SGD);
  settings.batch = 10;
  CHECK_OK(cnn_trainer_create(ctx, "mlp", &settings, SEED, &tr));
  if (tr) {
    CHECK_ERROR(cnn_trainer_train_epoch(tr, &train_set, stop_at_third_step, NULL, &stats),
                CNN_STATUS_INTERRUPTED, "epoch 1 at step 3");
    cnn_trainer_free(tr);
  }
  settings.lr = NAN;
  CHECK_ERROR(cnn_trainer_create(ctx, "mlp", &settings, SEED, &tr),
              CNN_STATUS_INVALID_ARGUMENT, "lr");
  settings = cnn_train_settings_default(CNN_OPTIMIZER_ADAM);
  CHECK_OK(cnn_trainer_create(ctx, "fc 10, relu, fc 7", &settings, SEED, &tr));
  if (tr) {
    CHECK_ERROR(cnn_trainer_train_epoch(tr, &train_set, NULL, NULL, &stats),
                CNN_STATUS_INVALID_ARGUMENT, "7 class scores");
    cnn_trainer_free(tr);
  }
  CHECK_OK(cnn_trainer_create(ctx, "input 1x32x32, fc 10", &settings, SEED, &tr));
  if (tr) {
    CHECK_ERROR(cnn_trainer_train_epoch(tr, &train_set, NULL, NULL, &stats),
                CNN_STATUS_INVALID_ARGUMENT, "1x32x32 images but the data set has 1x28x28");
    cnn_trainer_free(tr);
  }
}

static void test_settings_text(void) {
  for (int kind = CNN_OPTIMIZER_SGD; kind <= CNN_OPTIMIZER_ADAM; kind++) {
    cnn_train_settings s = cnn_train_settings_default((cnn_optimizer_kind)kind), back;
    s.lr = 0.1f / 3.0f; /* not short in decimal: the text must still be exact */
    s.weight_decay = 5e-4f;
    s.lr_decay = 0.85f;
    s.batch = 33;
    s.micro_batch = kind == CNN_OPTIMIZER_SGD ? 0 : 7; /* 0 (automatic) is left out */
    char text[256];
    cnn_train_settings_format(&s, text, sizeof text);
    CHECK_OK(cnn_train_settings_parse(text, &back));
    CHECK(memcmp(&s, &back, sizeof s) == 0, "\"%s\" did not read back exactly", text);
  }
  cnn_train_settings s;
  CHECK_ERROR(cnn_train_settings_parse("adam lr=0.001 betas=2", &s),
              CNN_STATUS_BAD_FORMAT, "unknown key \"betas\"");
  CHECK_ERROR(cnn_train_settings_parse("adam lr=x", &s), CNN_STATUS_BAD_FORMAT,
              "bad value for \"lr\"");
  CHECK_ERROR(cnn_train_settings_parse("rmsprop lr=1", &s), CNN_STATUS_INVALID_ARGUMENT,
              "expected sgd, momentum or adam");
  CHECK_ERROR(cnn_train_settings_parse("sgd lr=-1", &s), CNN_STATUS_INVALID_ARGUMENT,
              "lr");
}

static void test_rng_draws(void) {
  cnn_rng a, b;
  cnn_rng_seed(&a, 1);
  cnn_rng_seed(&b, 1);
  for (int i = 0; i < 100; i++) CHECK(cnn_rng_next(&a) == cnn_rng_next(&b), "draw %d", i);
  cnn_rng_seed(&b, 2);
  CHECK(cnn_rng_next(&a) != cnn_rng_next(&b), "seeds 1 and 2 gave the same draw");
  /* Moments of 100,000 normals: mean within 0.02, variance within 0.03. */
  double sum = 0, sum2 = 0;
  int counts[7] = {0};
  for (int i = 0; i < 100000; i++) {
    double x = cnn_rng_normal(&a);
    sum += x;
    sum2 += x * x;
    counts[cnn_rng_below(&a, 7)]++;
  }
  CHECK(fabs(sum / 1e5) < 0.02 && fabs(sum2 / 1e5 - 1) < 0.03, "normal mean %g var %g",
        sum / 1e5, sum2 / 1e5);
  for (int i = 0; i < 7; i++)
    CHECK(abs(counts[i] - 100000 / 7) < 600, "below(7): %d draws of %d", counts[i], i);
}

int main(void) {
  CHECK_OK(cnn_context_create(THREADS, &ctx));
  cnn_status st_train = cnn_dataset_load(CNN_TEST_DATA_DIR "/mnist-subset", "train",
                                         &train_set);
  cnn_status st_test = cnn_dataset_load(CNN_TEST_DATA_DIR "/mnist-subset", "t10k",
                                        &test_set);
  CHECK_OK(st_train);
  CHECK_OK(st_test);
  if (!ctx || st_train || st_test) return test_finish("test_train");
  const char *dir = test_temp_dir("test_train");
  test_rng_draws();
  test_settings_text();
  test_steps_do_not_allocate();
  test_same_seed_same_bits();
  test_thread_count_same_bits();
  test_checkpoint_round_trip(dir);
  test_resume_is_exact(dir);
  test_errors();
  test_lenet5_learns();
  test_remove_dir(dir);
  cnn_dataset_free(&train_set);
  cnn_dataset_free(&test_set);
  cnn_context_free(ctx);
  return test_finish("test_train");
}
