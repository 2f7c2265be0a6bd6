/* Training that goes numerically wrong stops with a message naming the
 * epoch and step, before the weights take the bad step, and leaves the last
 * checkpoint as it was:
 *  - a NaN weight before a ReLU makes the loss NaN (caught at the loss);
 *  - weights built so that the loss stays finite but the backward pass
 *    overflows (caught at the gradient, before the optimizer step). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cnn/checkpoint.h"
#include "cnn/train.h"
#include "testutil.h"

static cnn_context *ctx;
static cnn_dataset part; /* the first 256 training images of the subset */

static cnn_trainer *new_trainer(const char *model, int batch) {
  cnn_train_settings settings = cnn_train_settings_default(CNN_OPTIMIZER_SGD);
  settings.batch = batch;
  cnn_trainer *tr = NULL;
  CHECK_OK(cnn_trainer_create(ctx, model, &settings, 5, &tr));
  return tr;
}

static void fill(cnn_tensor *t, float value) {
  for (size_t i = 0; i < cnn_tensor_numel(t); i++) t->data[i] = value;
}

static long file_bytes(const char *path, unsigned char **data) {
  FILE *fp = fopen(path, "rb");
  if (!fp) return -1;
  fseek(fp, 0, SEEK_END);
  long n = ftell(fp);
  rewind(fp);
  *data = malloc((size_t)n);
  if (fread(*data, 1, (size_t)n, fp) != (size_t)n) n = -1;
  fclose(fp);
  return n;
}

static void test_nan_weight_keeps_checkpoint(void) {
  cnn_trainer *tr = new_trainer("fc 32, relu, fc 10", 32);
  if (!tr) return;
  cnn_epoch_stats stats;
  CHECK_OK(cnn_trainer_train_epoch(tr, &part, NULL, NULL, &stats));
  char path[64];
  snprintf(path, sizeof path, "test_nonfinite.%d.ckpt", (int)getpid());
  CHECK_OK(cnn_trainer_save(tr, path));
  unsigned char *before = NULL, *after = NULL;
  long n_before = file_bytes(path, &before);

  /* In the first layer: the ReLU after it passes the NaN on to the loss
   * (one that gave 0 for NaN would hide it from this check). */
  cnn_tensor *w = cnn_net_param(cnn_trainer_net(tr), 0);
  w->data[3] = NAN;
  CHECK_ERROR(cnn_trainer_train_epoch(tr, &part, NULL, NULL, &stats),
              CNN_STATUS_NUMERIC_ERROR, "the loss is nan at epoch 2, step 1 of 8");
  CHECK(cnn_trainer_epoch(tr) == 1 && cnn_trainer_step(tr) == 8,
        "position after the failure: epoch %llu step %llu, want 1 and 8",
        (unsigned long long)cnn_trainer_epoch(tr), (unsigned long long)cnn_trainer_step(tr));
  long n_after = file_bytes(path, &after);
  CHECK(n_before > 0 && n_after == n_before && !memcmp(before, after, (size_t)n_before),
        "the checkpoint on disk changed");
  cnn_checkpoint ck;
  CHECK_OK(cnn_checkpoint_load(path, &ck));
  cnn_checkpoint_free(&ck);
  free(before);
  free(after);
  unlink(path);
  cnn_trainer_free(tr);
}

/* fc 16 -> fc 10 with W1 = 0, b1 = 1e-30 (hidden values 1e-30) and W2 rows of
 * +3e38 (even classes) and -3e38 (odd classes): the logits stay near
 * +-5e9, so the loss is finite, but for an odd label (all of them here, one
 * image per step so no mean scales it down) the gradient of the hidden
 * values sums +3e38 terms past the float range. */
static void test_overflowing_gradient(void) {
  cnn_dataset odd = part;
  odd.count = 8;
  uint8_t labels[8];
  memset(labels, 1, sizeof labels);
  odd.labels = labels;
  cnn_trainer *tr = new_trainer("fc 16, fc 10", 1);
  if (!tr) return;
  cnn_net *net = cnn_trainer_net(tr);
  fill(cnn_net_param(net, 0), 0);
  fill(cnn_net_param(net, 1), 1e-30f);
  cnn_tensor *w2 = cnn_net_param(net, 2);
  CHECK(cnn_tensor_numel(w2) == 160, "second weight has %zu values", cnn_tensor_numel(w2));
  for (int k = 0; k < 10; k++)
    for (int i = 0; i < 16; i++) w2->data[k * 16 + i] = k % 2 ? -3e38f : 3e38f;
  fill(cnn_net_param(net, 3), 0);
  float w1_before = cnn_net_param(net, 0)->data[0];
  cnn_epoch_stats stats;
  CHECK_ERROR(cnn_trainer_train_epoch(tr, &odd, NULL, NULL, &stats),
              CNN_STATUS_NUMERIC_ERROR, "is not finite at epoch 1, step 1 of 8");
  CHECK(strstr(cnn_last_error(), "gradient of 0.") != NULL, "names the first layer: %s",
        cnn_last_error());
  CHECK(cnn_trainer_step(tr) == 0, "%llu steps were taken",
        (unsigned long long)cnn_trainer_step(tr));
  CHECK(cnn_net_param(net, 0)->data[0] == w1_before, "the weights took the bad step");
  cnn_trainer_free(tr);
}

int main(void) {
  cnn_dataset train;
  CHECK_OK(cnn_dataset_load(CNN_TEST_DATA_DIR "/mnist-subset", "train", &train));
  CHECK_OK(cnn_context_create(1, &ctx));
  if (!ctx || !train.images) return test_finish("test_nonfinite");
  part = train;
  part.count = 256;
  test_nan_weight_keeps_checkpoint();
  test_overflowing_gradient();
  cnn_context_free(ctx);
  cnn_dataset_free(&train);
  return test_finish("test_nonfinite");
}
