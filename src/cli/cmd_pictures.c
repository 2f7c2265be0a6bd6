/* cnn filters and cnn features: pictures of the first conv layer, its
 * learned filters and what they make of an image. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "cli/grid.h"

/* Tiles of about 80 pixels unless --scale says otherwise. */
static int auto_scale(int scale, int side) {
  if (scale) return scale;
  return side >= 80 ? 1 : (80 + side / 2) / side;
}

/* Columns for a near-square grid. */
static int square_columns(int tiles) {
  int columns = (int)ceil(sqrt((double)tiles));
  return columns < 1 ? 1 : columns;
}

static int save_grid(const char *command, struct cli_grid *grid, const char *path) {
  cnn_status st = cli_grid_save(grid, path);
  if (st) {
    cli_fail(command, path, st);
    return CLI_EXIT_FAILURE;
  }
  printf("wrote %s (%dx%d pixels)\n", path, grid->width, grid->height);
  return CLI_EXIT_OK;
}

/* Loads the checkpoint and finds its first conv layer; prints and returns
 * nonzero when either fails. */
static int load_conv(const char *command, const char *path, cnn_context *ctx,
                     cnn_net **net, int *conv) {
  cnn_status st = cnn_net_load(ctx, path, 1, net);
  if (st) {
    cli_fail(command, path, st);
    return 1;
  }
  if ((*conv = cli_first_conv(*net)) < 0) {
    fprintf(stderr, "cnn %s: %s: the model has no conv layer (%s)\n", command, path,
            cnn_net_text(*net));
    return 1;
  }
  return 0;
}

static const struct cli_usage filters_usage = {
    "filters", "FILE -o PNG [options]",
    "Draws the filters of the first conv layer of the checkpoint FILE as a grid,\n"
    "one tile per filter and input channel, each filter scaled on its own: mid\n"
    "grey is zero, white its largest positive weight, black its most negative.",
    1, 1};

int cli_filters(int argc, char **argv) {
  const char *output = NULL;
  int scale = 0;
  struct cli_option options[] = {
      {.name = "--output", .alias = "-o", .metavar = "PNG", .type = CLI_OPT_STRING,
       .value = &output, .help = "the picture to write"},
      CLI_INT("--scale", "N", &scale, 1, 64,
              "pixels per weight (default: tiles of about 80 pixels)"),
  };
  char **args;
  int num_args;
  int code = cli_parse(&filters_usage, options, 2, argc, argv, &args, &num_args);
  if (code >= 0) return code;
  if (!output) return cli_usage_error("filters", "-o PNG is required");
  cnn_context *ctx = NULL;
  cnn_net *net = NULL;
  int conv;
  cnn_status st = cnn_context_create(1, &ctx);
  if (st) return cli_fail("filters", "context", st);
  code = CLI_EXIT_FAILURE;
  if (!load_conv("filters", args[0], ctx, &net, &conv)) {
    const cnn_tensor *wt = cnn_net_layer_param(net, conv, 0);
    int per_filter = wt->c * wt->h * wt->w;
    struct cli_grid grid;
    st = cli_grid_init(&grid, wt->n * wt->c, wt->c > 1 ? wt->c : square_columns(wt->n),
                       wt->h, wt->w, auto_scale(scale, wt->h > wt->w ? wt->h : wt->w));
    if (st) {
      fprintf(stderr, "cnn filters: cannot make a %dx%d grid of %d tiles\n", wt->h,
              wt->w, wt->n * wt->c);
    } else {
      for (int k = 0; k < wt->n; k++) {
        const float *f = wt->data + (size_t)k * per_filter;
        float m = 0;
        for (int i = 0; i < per_filter; i++) m = fabsf(f[i]) > m ? fabsf(f[i]) : m;
        for (int ch = 0; ch < wt->c; ch++)
          cli_grid_put(&grid, k * wt->c + ch, f + (size_t)ch * wt->h * wt->w, -m, m);
      }
      printf("layer %d: %d filters of %dx%dx%d\n", conv + 1, wt->n, wt->c, wt->h, wt->w);
      code = save_grid("filters", &grid, output);
      cli_grid_free(&grid);
    }
  }
  cnn_net_free(net);
  cnn_context_free(ctx);
  return code;
}

static const struct cli_usage features_usage = {
    "features", "FILE IMAGE -o PNG [options]",
    "Passes IMAGE (PNG or PGM, resampled to the model's input) through the\n"
    "checkpoint FILE and draws the outputs of its first conv layer, one tile per\n"
    "filter, each from its smallest value (black) to its largest (white). A conv\n"
    "layer followed by relu computes both at once: its maps are the ReLU's.",
    2, 2};

int cli_features(int argc, char **argv) {
  const char *output = NULL;
  int scale = 0, invert = 0;
  struct cli_option options[] = {
      {.name = "--output", .alias = "-o", .metavar = "PNG", .type = CLI_OPT_STRING,
       .value = &output, .help = "the picture to write"},
      CLI_INT("--scale", "N", &scale, 1, 64,
              "pixels per value (default: tiles of about 80 pixels)"),
      CLI_FLAG("--invert", &invert, "use 1 - grey (dark digits on a light background)"),
  };
  char **args;
  int num_args;
  int code = cli_parse(&features_usage, options, 3, argc, argv, &args, &num_args);
  if (code >= 0) return code;
  if (!output) return cli_usage_error("features", "-o PNG is required");
  cnn_context *ctx = NULL;
  cnn_net *net = NULL;
  int conv, c, h, w;
  cnn_status st = cnn_context_create(1, &ctx);
  if (st) return cli_fail("features", "context", st);
  code = CLI_EXIT_FAILURE;
  float *image = NULL, *probs = NULL;
  if (!load_conv("features", args[0], ctx, &net, &conv)) {
    cnn_net_input_shape(net, &c, &h, &w);
    image = malloc((size_t)c * h * w * sizeof *image);
    probs = malloc((size_t)cnn_net_num_outputs(net) * sizeof *probs);
    if (c != 1)
      fprintf(stderr, "cnn features: the model takes %d channels, not grey images\n", c);
    else if (!image || !probs)
      fprintf(stderr, "cnn features: out of memory\n");
    else if ((st = cnn_image_load_grey(args[1], h, w, image)))
      cli_fail("features", args[1], st);
    else {
      if (invert)
        for (int p = 0; p < h * w; p++) image[p] = 1.0f - image[p];
      if ((st = cnn_net_predict(net, ctx, image, 1, probs))) {
        cli_fail("features", args[1], st);
      } else {
        const cnn_tensor *maps = cnn_net_layer_output(net, conv);
        struct cli_grid grid;
        int side = maps->h > maps->w ? maps->h : maps->w;
        if (cli_grid_init(&grid, maps->c, square_columns(maps->c), maps->h, maps->w,
                          auto_scale(scale, side))) {
          fprintf(stderr, "cnn features: cannot make the picture\n");
        } else {
          size_t plane = (size_t)maps->h * maps->w;
          for (int k = 0; k < maps->c; k++) {
            const float *m = maps->data + k * plane;
            float lo = m[0], hi = m[0];
            for (size_t i = 1; i < plane; i++) {
              lo = m[i] < lo ? m[i] : lo;
              hi = m[i] > hi ? m[i] : hi;
            }
            cli_grid_put(&grid, k, m, lo, hi);
          }
          const int after_relu = cnn_net_layer_fused(net, conv + 1) & CNN_LAYER_FUSED_FORWARD;
          printf("layer %d: %d feature maps of %dx%d%s\n", conv + 1, maps->c, maps->h,
                 maps->w, after_relu ? " after its ReLU" : "");
          code = save_grid("features", &grid, output);
          cli_grid_free(&grid);
        }
      }
    }
  }
  free(image);
  free(probs);
  cnn_net_free(net);
  cnn_context_free(ctx);
  return code;
}
