/* A net that runs its ReLU layers inside their neighbours (a convolution's
 * forward pass applies the ReLU after it, a max pooling's backward pass the
 * gradient of the ReLU before it) computes the bits of the same net with
 * every layer run apart: loss, top-1 count, every layer's output (a fused
 * convolution's output against its ReLU's) and every parameter gradient,
 * on MNIST images, at one and two threads.
 * Tolerance: none (bit-equal, -0 and +0 told apart). The fused kernels
 * round nothing differently: the ReLU in the convolution's epilogue is the
 * ReLU kernel's max(0, v), and the fused gradient is the max pooling's
 * result times (x > 0 ? 1 : 0), as the ReLU backward kernel multiplies.
 * The models cover both fusions, a ReLU before an average pooling (fused
 * forward only: its backward runs in place), overlapping max pooling
 * windows, a ReLU as the last layer and a ReLU after a fully connected
 * layer (not fused). */
#include <stdio.h>
#include <string.h>

#include "testutil.h"
#include "train/net.h"

#define SEED 11u
/* Both nets alike, and not a divisor of the batches: a short last one. */
#define MICRO_BATCH 6

struct fusion_case {
  const char *model;
  const char *fused; /* per layer: '-' on its own, 'f' forward fused, 'b' both */
};

static const struct fusion_case cases[] = {
    {"lenet5", "-b--b------"},
    {"simple", "-b----"},
    {"conv 4 3x3 pad 1, relu, avgpool 2, conv 5 3x3, relu, maxpool 3 stride 2, fc 10",
     "-f--b--"},
    {"conv 3 5x5, relu, conv 6 3x3 stride 2, relu, fc 10, relu", "-f-f--"},
};

static cnn_net *new_net(cnn_context *ctx, const char *model, int fuse) {
  cnn_rng rng;
  cnn_rng_seed(&rng, SEED);
  cnn_net *net = NULL;
  const struct cnn_net_options options = {.fuse = fuse, .micro_batch = MICRO_BATCH};
  CHECK_OK(cnn_net_create_with(ctx, model, 32, &rng, &options, &net));
  return net;
}

static char fused_letter(int bits) {
  return bits == 0 ? '-'
         : bits == CNN_LAYER_FUSED_FORWARD
             ? 'f'
             : bits == (CNN_LAYER_FUSED_FORWARD | CNN_LAYER_FUSED_BACKWARD) ? 'b' : '?';
}

static void compare(const cnn_dataset *ds, const struct fusion_case *c, int threads, int n) {
  cnn_context *ctx = NULL;
  CHECK_OK(cnn_context_create(threads, &ctx));
  cnn_net *fused = ctx ? new_net(ctx, c->model, 1) : NULL;
  cnn_net *apart = ctx ? new_net(ctx, c->model, 0) : NULL;
  if (!fused || !apart) goto done;
  char plan[64] = "", what[256];
  for (int i = 0; i < fused->num_layers && i + 1 < (int)sizeof plan; i++) {
    plan[i] = fused_letter(cnn_net_layer_fused(fused, i));
    CHECK(cnn_net_layer_fused(apart, i) == 0, "%s: layer %d fused in the net without",
          c->model, i + 1);
  }
  CHECK(strcmp(plan, c->fused) == 0, "%s: fused layers %s, expected %s", c->model, plan,
        c->fused);

  cnn_net_load_batch(fused, ctx, ds, NULL, 0, n);
  cnn_net_load_batch(apart, ctx, ds, NULL, 0, n);
  float loss_f, loss_a;
  int right_f, right_a;
  CHECK_OK(cnn_net_pass(fused, ctx, n, CNN_NET_TRAIN, &loss_f, &right_f));
  CHECK_OK(cnn_net_pass(apart, ctx, n, CNN_NET_TRAIN, &loss_a, &right_a));
  snprintf(what, sizeof what, "%s, %d threads, batch %d: loss", c->model, threads, n);
  test_equal(what, &loss_f, &loss_a, 1);
  CHECK(right_f == right_a, "%s: %d right, apart %d", c->model, right_f, right_a);
  for (int i = 0; i < fused->num_layers; i++) {
    /* A convolution that ends in its ReLU outputs what the ReLU outputs. */
    const int same_as = i + 1 < fused->num_layers && fused->layers[i]->relu_after ? i + 1 : i;
    const cnn_tensor *got = cnn_net_layer_output(fused, i);
    const cnn_tensor *want = cnn_net_layer_output(apart, same_as);
    snprintf(what, sizeof what, "%s, %d threads, batch %d: output of layer %d (%s)",
             c->model, threads, n, i + 1, cnn_net_layer_kind(fused, i));
    CHECK(got && want && cnn_tensor_same_shape(got, want), "%s: shapes differ", what);
    if (got && want) test_equal(what, got->data, want->data, cnn_tensor_numel(want));
  }
  for (int k = 0; k < fused->num_params; k++) {
    snprintf(what, sizeof what, "%s, %d threads, batch %d: gradient of %s", c->model,
             threads, n, fused->param_names[k]);
    test_equal(what, fused->grads[k].data, apart->grads[k].data,
               cnn_tensor_numel(&apart->grads[k]));
  }
done:
  cnn_net_free(fused);
  cnn_net_free(apart);
  cnn_context_free(ctx);
}

int main(void) {
  cnn_dataset ds;
  cnn_status st = cnn_dataset_load(CNN_TEST_DATA_DIR "/mnist-subset", "train", &ds);
  CHECK_OK(st);
  if (st) return test_finish("test_net_fusion");
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    compare(&ds, &cases[i], 1, 32);
    compare(&ds, &cases[i], 2, 29);
  }
  cnn_dataset_free(&ds);
  return test_finish("test_net_fusion");
}
