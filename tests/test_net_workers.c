/* cnn_net_pass split across workers computes what one thread computes: the
 * same loss, top-1 count, logits and parameter gradients, for 2, 3 and 4
 * threads and batches that divide evenly, unevenly, or are too small to
 * split (then the pass runs on one worker). Two runs at one thread count
 * give the same bits.
 * Tolerance: the parts sum their images' gradients separately and the
 * workers' sums are then added, so gradients differ from the one-thread sums
 * by rounding only: |got - want| <= 1e-5 * (largest |want| of the tensor) +
 * 1e-4 * |want|; the loss within 1e-5 relative. */
#include <math.h>
#include <string.h>

#include "runtime/context.h"
#include "testutil.h"
#include "train/net.h"

#define SEED 7u

static const char *const model =
    "conv 4 5x5 pad 2, relu, maxpool 2, conv 6 3x3, relu, avgpool 2, fc 12, relu, fc 10";

static cnn_net *new_net(cnn_context *ctx, int max_batch) {
  cnn_rng rng;
  cnn_rng_seed(&rng, SEED);
  cnn_net *net = NULL;
  CHECK_OK(cnn_net_create(ctx, model, max_batch, &rng, &net));
  return net;
}

static float largest(const cnn_tensor *t) {
  float m = 0.0f;
  for (size_t i = 0; i < cnn_tensor_numel(t); i++) m = fmaxf(m, fabsf(t->data[i]));
  return m;
}

static void compare_pass(const cnn_dataset *ds, int threads, int n) {
  cnn_context *one = NULL, *many = NULL;
  CHECK_OK(cnn_context_create(1, &one));
  CHECK_OK(cnn_context_create(threads, &many));
  cnn_net *a = one ? new_net(one, 64) : NULL, *b = many ? new_net(many, 64) : NULL;
  if (!a || !b) goto done;
  cnn_net_load_batch(a, ds, NULL, 0, n);
  cnn_net_load_batch(b, ds, NULL, 0, n);
  float loss_a, loss_b;
  int right_a, right_b;
  CHECK_OK(cnn_net_pass(a, one, n, CNN_NET_TRAIN, &loss_a, &right_a));
  CHECK_OK(cnn_net_pass(b, many, n, CNN_NET_TRAIN, &loss_b, &right_b));
  CHECK(fabsf(loss_a - loss_b) <= 1e-5f * fabsf(loss_a),
        "%d threads, batch %d: loss %.9g, one thread %.9g", threads, n, (double)loss_b,
        (double)loss_a);
  CHECK(right_a == right_b, "%d threads, batch %d: %d right, one thread %d", threads, n,
        right_b, right_a);
  char what[128];
  const cnn_tensor logits_a = cnn_tensor_slice(&a->acts[a->num_layers], 0, n);
  const cnn_tensor logits_b = cnn_tensor_slice(&b->acts[b->num_layers], 0, n);
  snprintf(what, sizeof what, "%d threads, batch %d: logits", threads, n);
  test_close(what, logits_b.data, logits_a.data, cnn_tensor_numel(&logits_a),
             1e-5 * largest(&logits_a), 1e-4);
  for (int k = 0; k < a->num_params; k++) {
    snprintf(what, sizeof what, "%d threads, batch %d: gradient of %s", threads, n,
             a->param_names[k]);
    CHECK(largest(&a->grads[k]) > 0, "%s is all zero: the comparison proves nothing", what);
    test_close(what, b->grads[k].data, a->grads[k].data, cnn_tensor_numel(&a->grads[k]),
               1e-5 * largest(&a->grads[k]), 1e-4);
  }
  /* A second pass at the same thread count gives the same bits. */
  cnn_tensor first = {0};
  CHECK_OK(cnn_tensor_init(&first, b->grads[0].n, b->grads[0].c, b->grads[0].h,
                           b->grads[0].w));
  if (first.data) {
    memcpy(first.data, b->grads[0].data, cnn_tensor_numel(&first) * sizeof(float));
    CHECK_OK(cnn_net_pass(b, many, n, CNN_NET_TRAIN, NULL, NULL));
    snprintf(what, sizeof what, "%d threads, batch %d: second pass", threads, n);
    test_equal(what, b->grads[0].data, first.data, cnn_tensor_numel(&first));
  }
  cnn_tensor_free(&first);
done:
  cnn_net_free(a);
  cnn_net_free(b);
  cnn_context_free(one);
  cnn_context_free(many);
}

int main(void) {
  cnn_dataset ds;
  cnn_status st = cnn_dataset_load(CNN_TEST_DATA_DIR "/mnist-subset", "train", &ds);
  CHECK_OK(st);
  if (st) return test_finish("test_net_workers");
  static const int batches[] = {64, 37, 9, 5, 1};
  for (int threads = 2; threads <= 4; threads++)
    for (size_t i = 0; i < sizeof batches / sizeof batches[0]; i++)
      compare_pass(&ds, threads, batches[i]);
  cnn_dataset_free(&ds);
  return test_finish("test_net_workers");
}
