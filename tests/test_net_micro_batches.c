/* A pass's bits depend on its images and the micro-batch size only: 2, 3
 * and 4 threads give the one-thread loss, top-1 count, logits and every
 * parameter gradient bit for bit, for batches that the micro-batches cut
 * evenly, unevenly, or that fit in one micro-batch, and for micro-batches
 * of 1 image, an odd size, the automatic size and the whole batch. A
 * second pass gives the same bits again. Another micro-batch size sums in
 * another order, so its gradients agree only within rounding, which shows
 * that the micro-batches really are summed apart.
 * Tolerance: none (bit-equal) across thread counts; across micro-batch
 * sizes |got - want| <= 1e-5 * (largest |want| of the tensor) + 1e-4 * |want|. */
#include <math.h>
#include <string.h>

#include "testutil.h"
#include "train/net.h"

#define SEED 7u
#define MAX_BATCH 64

static const char *const model =
    "conv 4 5x5 pad 2, relu, maxpool 2, conv 6 3x3, relu, avgpool 2, fc 12, relu, fc 10";

struct pass_result {
  cnn_net *net;
  float loss;
  int right;
};

static struct pass_result run_pass(const cnn_dataset *ds, int threads, int micro_batch,
                                   int n) {
  struct pass_result r = {0};
  cnn_context *ctx = NULL;
  CHECK_OK(cnn_context_create(threads, &ctx));
  if (!ctx) return r;
  cnn_rng rng;
  cnn_rng_seed(&rng, SEED);
  const struct cnn_net_options options = {.fuse = 1, .micro_batch = micro_batch};
  CHECK_OK(cnn_net_create_with(ctx, model, MAX_BATCH, &rng, &options, &r.net));
  if (r.net) {
    cnn_net_load_batch(r.net, ctx, ds, NULL, 0, n);
    CHECK_OK(cnn_net_pass(r.net, ctx, n, CNN_NET_TRAIN, &r.loss, &r.right));
  }
  cnn_context_free(ctx);
  return r;
}

static float largest(const cnn_tensor *t) {
  float m = 0.0f;
  for (size_t i = 0; i < cnn_tensor_numel(t); i++) m = fmaxf(m, fabsf(t->data[i]));
  return m;
}

/* b against a: bit-equal, or within the stated rounding when !exact. */
static void compare(const char *label, const struct pass_result *a,
                    const struct pass_result *b, int n, int exact) {
  char what[160];
  snprintf(what, sizeof what, "%s: loss", label);
  if (exact) test_equal(what, &b->loss, &a->loss, 1);
  else test_close(what, &b->loss, &a->loss, 1, 0, 1e-5);
  CHECK(a->right == b->right, "%s: %d right, expected %d", label, b->right, a->right);
  const cnn_tensor la = cnn_tensor_slice(&a->net->acts[a->net->num_layers], 0, n);
  const cnn_tensor lb = cnn_tensor_slice(&b->net->acts[b->net->num_layers], 0, n);
  snprintf(what, sizeof what, "%s: logits", label);
  test_equal(what, lb.data, la.data, cnn_tensor_numel(&la));
  for (int k = 0; k < a->net->num_params; k++) {
    const cnn_tensor *ga = &a->net->grads[k], *gb = &b->net->grads[k];
    snprintf(what, sizeof what, "%s: gradient of %s", label, a->net->param_names[k]);
    CHECK(largest(ga) > 0, "%s is all zero: the comparison proves nothing", what);
    if (exact) test_equal(what, gb->data, ga->data, cnn_tensor_numel(ga));
    else test_close(what, gb->data, ga->data, cnn_tensor_numel(ga), 1e-5 * largest(ga), 1e-4);
  }
}

/* Nonzero when some gradient value differs in its bits. */
static int any_bits_differ(const cnn_net *a, const cnn_net *b) {
  for (int k = 0; k < a->num_params; k++)
    if (memcmp(a->grads[k].data, b->grads[k].data,
               cnn_tensor_numel(&a->grads[k]) * sizeof(float)))
      return 1;
  return 0;
}

/* The fc layers' products per micro-batch, whichever way they run (images
 * as rows or, transposed, as columns: the micro-batch size decides), give
 * the bits of cnn_affine_forward and cnn_affine_backward: the output of
 * the first fc layer, and the input gradient of the second (the sizes make
 * both ways run in both). */
static void test_fc_ways(const cnn_dataset *ds) {
  cnn_context *ctx = NULL;
  CHECK_OK(cnn_context_create(1, &ctx));
  for (int mb = 1; ctx && mb <= 20; mb++) {
    cnn_rng rng;
    cnn_rng_seed(&rng, SEED);
    cnn_net *net = NULL;
    const struct cnn_net_options options = {.fuse = 1, .micro_batch = mb};
    CHECK_OK(cnn_net_create_with(ctx, "fc 37, relu, fc 300", mb, &rng, &options, &net));
    if (!net) continue;
    cnn_net_load_batch(net, ctx, ds, NULL, 0, mb);
    CHECK_OK(cnn_net_pass(net, ctx, mb, CNN_NET_TRAIN, NULL, NULL));
    cnn_tensor y = {0}, dx = {0};
    CHECK_OK(cnn_tensor_init(&y, mb, 37, 1, 1));
    CHECK_OK(cnn_tensor_init(&dx, mb, 37, 1, 1));
    if (y.data && dx.data) {
      char what[96];
      cnn_tensor x = cnn_tensor_slice(&net->acts[0], 0, mb);
      CHECK_OK(cnn_affine_forward(ctx, &x, &net->params[0], &net->params[1], &y));
      snprintf(what, sizeof what, "micro-batch %d: fc forward", mb);
      test_equal(what, net->acts[1].data, y.data, cnn_tensor_numel(&y));
      cnn_tensor h = cnn_tensor_slice(&net->acts[2], 0, mb);
      cnn_tensor dy = cnn_tensor_slice(&net->deltas[3], 0, mb);
      CHECK_OK(cnn_affine_backward(ctx, &h, &net->params[2], &dy, &dx, NULL, NULL));
      snprintf(what, sizeof what, "micro-batch %d: fc input gradient", mb);
      test_equal(what, net->deltas[2].data, dx.data, cnn_tensor_numel(&dx));
    }
    cnn_tensor_free(&y);
    cnn_tensor_free(&dx);
    cnn_net_free(net);
  }
  cnn_context_free(ctx);
}

int main(void) {
  cnn_dataset ds;
  cnn_status st = cnn_dataset_load(CNN_TEST_DATA_DIR "/mnist-subset", "train", &ds);
  CHECK_OK(st);
  if (st) return test_finish("test_net_micro_batches");
  static const int batches[] = {64, 37, 9, 5, 1};
  static const int micro_batches[] = {0, 1, 5, MAX_BATCH};
  char label[128];
  for (size_t b = 0; b < sizeof batches / sizeof batches[0]; b++)
    for (size_t m = 0; m < sizeof micro_batches / sizeof micro_batches[0]; m++) {
      const int n = batches[b], mb = micro_batches[m];
      struct pass_result one = run_pass(&ds, 1, mb, n);
      if (!one.net) continue;
      for (int threads = 2; threads <= 4; threads++) {
        struct pass_result many = run_pass(&ds, threads, mb, n);
        if (!many.net) continue;
        snprintf(label, sizeof label, "batch %d, micro-batch %d, %d threads", n, mb, threads);
        compare(label, &one, &many, n, 1);
        cnn_context *ctx = NULL;
        CHECK_OK(cnn_context_create(threads, &ctx));
        if (ctx) {
          CHECK_OK(cnn_net_pass(many.net, ctx, n, CNN_NET_TRAIN, &many.loss, &many.right));
          snprintf(label, sizeof label, "batch %d, micro-batch %d, %d threads, second pass",
                   n, mb, threads);
          compare(label, &one, &many, n, 1);
        }
        cnn_context_free(ctx);
        cnn_net_free(many.net);
      }
      if (n >= 9 && mb == 1) { /* against the whole batch in one micro-batch */
        struct pass_result whole = run_pass(&ds, 1, MAX_BATCH, n);
        if (whole.net) {
          snprintf(label, sizeof label, "batch %d, micro-batches of 1 against one of %d", n, n);
          compare(label, &whole, &one, n, 0);
          CHECK(any_bits_differ(whole.net, one.net),
                "%s: every gradient bit agrees, so the micro-batches were not summed apart",
                label);
        }
        cnn_net_free(whole.net);
      }
      cnn_net_free(one.net);
    }
  test_fc_ways(&ds);
  cnn_dataset_free(&ds);
  return test_finish("test_net_micro_batches");
}
