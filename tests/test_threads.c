/* Two nets trained at once, in two threads of one process, end with the
 * same weights as when trained one after the other: the library keeps no
 * hidden state between nets (only the kernel tables, the CPU features and
 * the topology are global, each built once). Each thread first also makes
 * a parse error, whose message must be its own (errors are per thread). */
#include <string.h>
#include <threads.h>

#include "cnn/train.h"
#include "testutil.h"

static cnn_dataset part; /* 384 training images of the subset */

struct job {
  const char *model, *bad_model, *bad_message;
  cnn_optimizer_kind optimizer;
  uint64_t seed;
  cnn_context *ctx; /* one per net; the same for both runs of a net */
  cnn_trainer *trainer;
  cnn_status status;
  char error[512]; /* the parse error this thread saw */
};

static int run(void *arg) {
  struct job *job = arg;
  cnn_train_settings settings = cnn_train_settings_default(job->optimizer);
  settings.batch = 32;
  cnn_trainer *bad = NULL;
  if (cnn_trainer_create(job->ctx, job->bad_model, &settings, job->seed, &bad) ==
      CNN_STATUS_OK)
    cnn_trainer_free(bad);
  snprintf(job->error, sizeof job->error, "%s", cnn_last_error());
  job->status = cnn_trainer_create(job->ctx, job->model, &settings, job->seed, &job->trainer);
  cnn_epoch_stats stats;
  for (int epoch = 0; epoch < 1 && job->status == CNN_STATUS_OK; epoch++)
    job->status = cnn_trainer_train_epoch(job->trainer, &part, NULL, NULL, &stats);
  if (job->status != CNN_STATUS_OK)
    snprintf(job->error, sizeof job->error, "%s", cnn_last_error());
  return 0;
}

static void same_weights(const char *what, cnn_trainer *a, cnn_trainer *b) {
  cnn_net *x = cnn_trainer_net(a), *y = cnn_trainer_net(b);
  for (int k = 0; k < cnn_net_num_params(x); k++) {
    const cnn_tensor *s = cnn_net_param(x, k), *t = cnn_net_param(y, k);
    size_t n = cnn_tensor_numel(s);
    for (size_t i = 0; i < n; i++)
      if (memcmp(&s->data[i], &t->data[i], sizeof(float)) != 0) {
        CHECK(0, "%s: %s[%zu] is %.9g one after the other, %.9g at once", what,
              cnn_net_param_name(x, k), i, (double)s->data[i], (double)t->data[i]);
        return;
      }
  }
}

static void check_job(const char *what, const struct job *job) {
  CHECK(job->status == CNN_STATUS_OK, "%s: %s", what, job->error);
  CHECK(strstr(job->error, job->bad_message) != NULL || job->status != CNN_STATUS_OK,
        "%s: the thread saw the parse error \"%s\", want \"%s\"", what, job->error,
        job->bad_message);
}

int main(void) {
  cnn_dataset train;
  CHECK_OK(cnn_dataset_load(CNN_TEST_DATA_DIR "/mnist-subset", "train", &train));
  if (!train.images) return test_finish("test_threads");
  part = train;
  part.count = 384;
  cnn_context *ctx_a = NULL, *ctx_b = NULL;
  CHECK_OK(cnn_context_create(2, &ctx_a));
  CHECK_OK(cnn_context_create(2, &ctx_b));
  if (!ctx_a || !ctx_b) return test_finish("test_threads");

  struct job a = {.model = "lenet5", .bad_model = "conv 6 5x5, pool 2",
                  .bad_message = "column 13: expected a layer (conv, maxpool",
                  .optimizer = CNN_OPTIMIZER_ADAM, .seed = 11, .ctx = ctx_a};
  struct job b = {.model = "conv 6 3x3 pad 1, relu, avgpool 2, fc 32, tanh, fc 10",
                  .bad_model = "fc 10 init gauss -1",
                  .bad_message = "column 18: expected a standard deviation",
                  .optimizer = CNN_OPTIMIZER_MOMENTUM, .seed = 12, .ctx = ctx_b};
  struct job a_again = a, b_again = b;

  run(&a);
  run(&b);
  thrd_t threads[2];
  CHECK(thrd_create(&threads[0], run, &a_again) == thrd_success &&
            thrd_create(&threads[1], run, &b_again) == thrd_success,
        "cannot start threads");
  thrd_join(threads[0], NULL);
  thrd_join(threads[1], NULL);

  check_job("net A, alone", &a);
  check_job("net B, alone", &b);
  check_job("net A, beside B", &a_again);
  check_job("net B, beside A", &b_again);
  if (a.trainer && a_again.trainer) same_weights("net A", a.trainer, a_again.trainer);
  if (b.trainer && b_again.trainer) same_weights("net B", b.trainer, b_again.trainer);

  cnn_trainer_free(a.trainer);
  cnn_trainer_free(b.trainer);
  cnn_trainer_free(a_again.trainer);
  cnn_trainer_free(b_again.trainer);
  cnn_context_free(ctx_a);
  cnn_context_free(ctx_b);
  cnn_dataset_free(&train);
  return test_finish("test_threads");
}
