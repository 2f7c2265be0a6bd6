/* cnn predict: the three likeliest classes of images. */
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"

static const struct cli_usage usage = {
    "predict", "FILE IMAGE... [options]",
    "Classifies PNG or PGM images with the checkpoint FILE. Each image is turned\n"
    "grey and resampled to the model's input size; MNIST digits are white on\n"
    "black, so pass --invert for dark digits on a light background. Prints the\n"
    "three likeliest classes of each image with their probabilities.",
    2, -1};

/* Prints "PATH: 7 (98.1%), 2 (1.2%), 3 (0.4%)". */
static cnn_status predict_one(cnn_net *net, cnn_context *ctx, const char *path,
                              int invert, float *image, float *probs) {
  int c, h, w, classes = cnn_net_num_outputs(net);
  cnn_net_input_shape(net, &c, &h, &w);
  cnn_status st = cnn_image_load_grey(path, h, w, image);
  if (st) return st;
  if (invert)
    for (int p = 0; p < h * w; p++) image[p] = 1.0f - image[p];
  if ((st = cnn_net_predict(net, ctx, image, 1, probs))) return st;
  printf("%s:", path);
  int taken[2] = {-1, -1};
  for (int k = 0; k < 3 && k < classes; k++) {
    int best = -1; /* the likeliest not yet printed; ties go to the lower class */
    for (int j = 0; j < classes; j++)
      if (j != taken[0] && j != taken[1] && (best < 0 || probs[j] > probs[best])) best = j;
    if (k < 2) taken[k] = best;
    printf("%s %d (%.1f%%)", k ? "," : "", best, 100.0 * probs[best]);
  }
  printf("\n");
  return CNN_STATUS_OK;
}

int cli_predict(int argc, char **argv) {
  int threads = 0, invert = 0;
  struct cli_option options[] = {
      CLI_FLAG("--invert", &invert, "use 1 - grey (dark digits on a light background)"),
      CLI_THREADS(&threads),
  };
  char **args;
  int num_args;
  int code = cli_parse(&usage, options, (int)(sizeof options / sizeof options[0]), argc,
                       argv, &args, &num_args);
  if (code >= 0) return code;
  cnn_context *ctx = NULL;
  cnn_net *net = NULL;
  cnn_status st;
  if ((st = cli_context(threads, &ctx))) return cli_fail("predict", "--threads", st);
  if ((st = cnn_net_load(ctx, args[0], 1, &net))) {
    cli_fail("predict", args[0], st);
    cnn_context_free(ctx);
    return CLI_EXIT_FAILURE;
  }
  int c, h, w;
  cnn_net_input_shape(net, &c, &h, &w);
  float *image = malloc((size_t)c * h * w * sizeof *image);
  float *probs = malloc((size_t)cnn_net_num_outputs(net) * sizeof *probs);
  code = CLI_EXIT_OK;
  if (c != 1) {
    fprintf(stderr, "cnn predict: %s: the model takes %d channels, not grey images\n",
            args[0], c);
    code = CLI_EXIT_FAILURE;
  } else if (!image || !probs) {
    fprintf(stderr, "cnn predict: out of memory\n");
    code = CLI_EXIT_FAILURE;
  }
  for (int i = 1; i < num_args && code == CLI_EXIT_OK; i++)
    if ((st = predict_one(net, ctx, args[i], invert, image, probs))) {
      cli_fail("predict", args[i], st);
      code = CLI_EXIT_FAILURE;
    }
  free(image);
  free(probs);
  cnn_net_free(net);
  cnn_context_free(ctx);
  return code;
}
