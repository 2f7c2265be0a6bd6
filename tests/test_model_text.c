/* The model text: every layer kind with its shapes and parameters, the
 * canonical text, initializers, and errors that name the column and what
 * was expected, or the layers and shapes that do not chain. */
#include <math.h>
#include <string.h>

#include "testutil.h"

static cnn_context *ctx;

static cnn_net *build(const char *text, int max_batch) {
  cnn_rng rng;
  cnn_rng_seed(&rng, 5);
  cnn_net *net = NULL;
  cnn_status st = cnn_net_create(ctx, text, max_batch, &rng, &net);
  CHECK(st == CNN_STATUS_OK, "\"%s\": %s", text, cnn_last_error());
  return net;
}

static void expect_error(const char *text, const char *message) {
  cnn_rng rng;
  cnn_rng_seed(&rng, 5);
  cnn_net *net = NULL;
  CHECK_ERROR(cnn_net_create(ctx, text, 4, &rng, &net), CNN_STATUS_INVALID_ARGUMENT,
              message);
  CHECK(net == NULL, "\"%s\": a net came back with the error", text);
}

static void check_layer(cnn_net *net, int i, const char *kind, int c, int h, int w) {
  int oc, oh, ow;
  cnn_net_layer_output_shape(net, i, &oc, &oh, &ow);
  CHECK(strcmp(cnn_net_layer_kind(net, i), kind) == 0 && oc == c && oh == h && ow == w,
        "layer %d: %s %dx%dx%d, want %s %dx%dx%d", i, cnn_net_layer_kind(net, i), oc,
        oh, ow, kind, c, h, w);
}

static void check_param(cnn_net *net, int layer, int index, int n, int c, int h, int w) {
  const cnn_tensor *t = cnn_net_layer_param(net, layer, index);
  CHECK(t && t->n == n && t->c == c && t->h == h && t->w == w,
        "layer %d param %d: %dx%dx%dx%d, want %dx%dx%dx%d", layer, index, t ? t->n : 0,
        t ? t->c : 0, t ? t->h : 0, t ? t->w : 0, n, c, h, w);
}

static void test_every_kind(void) {
  const char *text =
      "input 3x20x18, conv 8 5x3 pad 2x1 stride 1x2, relu, maxpool 2, "
      "avgpool 3x2 stride 1 pad 1, sigmoid, conv 4 3x3 init xavier, tanh, flatten, "
      "fc 12 init gauss 0.25, relu, fc 10";
  cnn_net *net = build(text, 3);
  if (!net) return;
  CHECK(cnn_net_num_layers(net) == 11, "%d layers", cnn_net_num_layers(net));
  int c, h, w;
  cnn_net_input_shape(net, &c, &h, &w);
  CHECK(c == 3 && h == 20 && w == 18, "input %dx%dx%d", c, h, w);
  /* conv: (20+4-5)/1+1 = 20, (18+2-3)/2+1 = 9 */
  check_layer(net, 0, "conv", 8, 20, 9);
  check_param(net, 0, 0, 8, 3, 5, 3);
  check_param(net, 0, 1, 8, 1, 1, 1);
  check_layer(net, 1, "relu", 8, 20, 9);
  check_layer(net, 2, "maxpool", 8, 10, 4);
  /* avgpool 3x2 stride 1 pad 1: (10+2-3)+1 = 10, (4+2-2)+1 = 5 */
  check_layer(net, 3, "avgpool", 8, 10, 5);
  check_layer(net, 4, "sigmoid", 8, 10, 5);
  check_layer(net, 5, "conv", 4, 8, 3);
  check_layer(net, 6, "tanh", 4, 8, 3);
  check_layer(net, 7, "flatten", 96, 1, 1);
  check_layer(net, 8, "fc", 12, 1, 1);
  check_param(net, 8, 0, 12, 96, 1, 1);
  check_layer(net, 9, "relu", 12, 1, 1);
  check_layer(net, 10, "fc", 10, 1, 1);
  CHECK(cnn_net_layer_param(net, 1, 0) == NULL, "relu has a parameter");
  CHECK(cnn_net_num_params(net) == 8, "%d parameter tensors", cnn_net_num_params(net));
  CHECK(strcmp(cnn_net_param_name(net, 2), "5.conv.weight") == 0, "name \"%s\"",
        cnn_net_param_name(net, 2));
  size_t weights = 8 * 3 * 15 + 8 + 4 * 8 * 9 + 4 + 12 * 96 + 12 + 10 * 12 + 10;
  CHECK(cnn_net_num_weights(net) == weights, "%zu weights, want %zu",
        cnn_net_num_weights(net), weights);
  CHECK(strcmp(cnn_net_text(net),
               "input 3x20x18, conv 8 5x3 pad 2x1 stride 1x2, relu, maxpool 2, "
               "avgpool 3x2 pad 1 stride 1, sigmoid, conv 4 3x3 init xavier, tanh, "
               "flatten, fc 12 init gauss 0.25, relu, fc 10") == 0,
        "canonical text \"%s\"", cnn_net_text(net));
  /* The canonical text builds the same net, weights included. */
  cnn_net *again = build(cnn_net_text(net), 3);
  if (again) {
    CHECK(strcmp(cnn_net_text(net), cnn_net_text(again)) == 0, "\"%s\" vs \"%s\"",
          cnn_net_text(net), cnn_net_text(again));
    for (int k = 0; k < cnn_net_num_params(net); k++)
      test_equal(cnn_net_param_name(net, k), cnn_net_param(again, k)->data,
                 cnn_net_param(net, k)->data, cnn_tensor_numel(cnn_net_param(net, k)));
  }
  /* A forward pass of every kind gives probabilities summing to 1. */
  float images[3 * 3 * 20 * 18], probs[3 * 10];
  for (size_t i = 0; i < sizeof images / sizeof images[0]; i++)
    images[i] = (float)(i % 7) / 7.0f;
  CHECK_OK(cnn_net_predict(net, ctx, images, 3, probs));
  for (int i = 0; i < 3; i++) {
    double sum = 0;
    for (int j = 0; j < 10; j++) sum += probs[i * 10 + j];
    CHECK(fabs(sum - 1) < 1e-5, "image %d: probabilities sum to %.7f", i, sum);
  }
  cnn_net_free(again);
  cnn_net_free(net);
}

/* Sample standard deviation of a tensor's values. */
static double stddev(const cnn_tensor *t) {
  size_t n = cnn_tensor_numel(t);
  double sum = 0, sum2 = 0;
  for (size_t i = 0; i < n; i++) {
    sum += t->data[i];
    sum2 += (double)t->data[i] * t->data[i];
  }
  return sqrt(sum2 / n - (sum / n) * (sum / n));
}

static void test_initializers(void) {
  /* fc 400 on 784 inputs: 313,600 weights, so the sample std is within 1%. */
  struct {
    const char *text;
    double want;
  } cases[] = {
      {"fc 400, relu, fc 10", sqrt(2.0 / 784)},            /* He before relu */
      {"fc 400, tanh, fc 10", sqrt(2.0 / (784 + 400))},    /* Xavier before tanh */
      {"fc 400, flatten, sigmoid, fc 10", sqrt(2.0 / (784 + 400))},
      {"fc 400 init xavier, relu, fc 10", sqrt(2.0 / (784 + 400))},
      {"fc 400 init he, tanh, fc 10", sqrt(2.0 / 784)},
      {"fc 400 init gauss 0.01, fc 10", 0.01},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    cnn_net *net = build(cases[i].text, 1);
    if (!net) continue;
    double got = stddev(cnn_net_layer_param(net, 0, 0));
    CHECK(fabs(got / cases[i].want - 1) < 0.01, "\"%s\": std %.6f, want %.6f",
          cases[i].text, got, cases[i].want);
    const cnn_tensor *bias = cnn_net_layer_param(net, 0, 1);
    for (size_t j = 0; j < cnn_tensor_numel(bias); j++)
      CHECK(bias->data[j] == 0, "\"%s\": bias %zu is %g", cases[i].text, j,
            bias->data[j]);
    cnn_net_free(net);
  }
}

static void test_builtins(void) {
  const char *const *names = cnn_model_builtin_names();
  int count = 0;
  for (; names[count]; count++) {
    cnn_net *net = build(names[count], 2);
    if (net) CHECK(cnn_net_num_outputs(net) == 10, "%s outputs %d", names[count],
                   cnn_net_num_outputs(net));
    cnn_net_free(net);
  }
  CHECK(count == 3, "%d built-in models", count);
  cnn_net *lenet = build("lenet5", 1);
  if (lenet) {
    /* 6*25+6 + 16*6*25+16 + 400*120+120 + 120*84+84 + 84*10+10 */
    CHECK(cnn_net_num_weights(lenet) == 61706, "lenet5 has %zu weights",
          cnn_net_num_weights(lenet));
    check_layer(lenet, 5, "maxpool", 16, 5, 5);
  }
  cnn_net_free(lenet);
  CHECK(cnn_model_builtin("lenet") == NULL, "an unknown name resolved");
}

static void test_syntax_errors(void) {
  expect_error("conv 6 5x5, relu, maxpol 2, fc 10",
               "column 19: expected a layer (conv, maxpool, avgpool, fc, relu, sigmoid, "
               "tanh, flatten), found \"maxpol\"");
  expect_error("conv x5, fc 10", "column 6: expected the number of filters");
  expect_error("conv 6, fc 10", "column 7: expected a kernel size such as 5x5, found \",\"");
  expect_error("conv 6 5x5 pad, fc 10", "column 15: expected a padding");
  expect_error("conv 6 5x5 stride 0, fc 10", "column 19: expected a stride in 1..");
  expect_error("conv 6 5x5 pad 1 pad 2, fc 10", "column 18: expected each option once");
  expect_error("fc 10 relu", "column 7: expected ',' between layers, an option of the "
               "layer, or the end, found \"relu\"");
  expect_error("relu fc 10", "column 6: expected ',' between layers or the end");
  expect_error("fc 10,", "column 7: expected a layer");
  expect_error("", "column 1: expected a layer");
  expect_error("fc 10 init magic", "column 12: expected an initializer (he, xavier, "
               "gauss STD), found \"magic\"");
  expect_error("fc 10 init gauss -1", "column 18: expected a standard deviation");
  expect_error("fc 10 init gauss nan", "column 18: expected a standard deviation");
  expect_error("maxpool 2 init he, fc 10", "column 11: expected ',' between layers, an "
               "option of the layer, or the end, found \"init\"");
  expect_error("fc 99999999999, fc 10", "column 4: expected the number of outputs in 1..");
  expect_error("input 1x28, fc 10", "column 11: expected an input shape such as 1x28x28");
  expect_error("conv 6 5y5, fc 10", "column 9: expected a size such as 5 or 5x3");
  expect_error("fc 10,\n  relu,\n  maxpool q", "line 3, column 11: expected a window size");
  /* Comments and line breaks are allowed. */
  cnn_net *net = build("# a comment\nfc 20,  # hidden\n  relu,\n  fc 10\n", 1);
  if (net) CHECK(cnn_net_num_layers(net) == 3, "%d layers", cnn_net_num_layers(net));
  cnn_net_free(net);
}

static void test_shape_errors(void) {
  expect_error("conv 6 5x5, maxpool 2, conv 16 5x5, maxpool 2, conv 8 5x5, fc 10",
               "layer 5 `conv 8 5x5` (column 48) cannot take the 16x4x4 output of "
               "layer 4 `maxpool 2` (column 37): its 5x5 kernel (pad 0x0) does not fit");
  expect_error("input 1x3x3, maxpool 4",
               "layer 1 `maxpool 4` (column 14) cannot take the 1x3x3 output of the "
               "input: its 4x4 window (pad 0x0) does not fit");
  expect_error("maxpool 2 pad 2, fc 10", "its pad 2x2 is not smaller than its 2x2 window");
  /* 10^12 weights: named with both layers and shapes, nothing allocated. */
  expect_error("input 1x1000x1000, flatten, fc 1000000, fc 10",
               "layer 2 `fc 1000000` (column 29) on the 1000000x1x1 output of layer 1 "
               "`flatten` (column 20) needs a 1000000x1000000x1x1 weight: 1000000000000 "
               "values, above the limit of");
  expect_error("conv 1000000 1x1, fc 10", "values per image, above the limit");
  expect_error("fc 1", "the last layer outputs 1x1x1, but the loss needs at least 2");
  cnn_rng rng;
  cnn_rng_seed(&rng, 1);
  cnn_net *net = NULL;
  CHECK_ERROR(cnn_net_create(ctx, "mlp", 0, &rng, &net), CNN_STATUS_INVALID_ARGUMENT,
              "max_batch 0");
}

int main(void) {
  CHECK_OK(cnn_context_create(1, &ctx));
  if (!ctx) return test_finish("test_model_text");
  test_every_kind();
  test_initializers();
  test_builtins();
  test_syntax_errors();
  test_shape_errors();
  cnn_context_free(ctx);
  return test_finish("test_model_text");
}
