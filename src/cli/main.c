/* cnn: train, evaluate and inspect convolutional networks. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

/* Every subcommand, in the order --help lists them. */
static const struct cli_command commands[] = {
    {"train", "train a model on an IDX data set (MNIST by default)", cli_train},
    {"eval", "test accuracy and confusion matrix of a checkpoint", cli_eval},
    {"predict", "top-3 classes of PNG or PGM images", cli_predict},
    {"filters", "the first conv layer's filters as a PNG grid", cli_filters},
    {"features", "the first conv layer's feature maps of an image as a PNG", cli_features},
    {"bench-train", "seconds per training epoch, images/s and peak memory", cli_bench_train},
    {"info", "CPU features, kernels and tiles, topology and threads", cli_info},
};

#define NUM_COMMANDS (int)(sizeof commands / sizeof commands[0])

static void print_help(FILE *out) {
  fprintf(out, "usage: cnn COMMAND [options]   (cnn COMMAND --help for details)\n\n"
               "commands:\n");
  for (int i = 0; i < NUM_COMMANDS; i++)
    fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "cnn: expected a command\n\n");
    print_help(stderr);
    return CLI_EXIT_USAGE;
  }
  if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
      strcmp(argv[1], "help") == 0) {
    print_help(stdout);
    return CLI_EXIT_OK;
  }
  for (int i = 0; i < NUM_COMMANDS; i++)
    if (strcmp(argv[1], commands[i].name) == 0) return commands[i].run(argc - 1, argv + 1);
  fprintf(stderr, "cnn: unknown command \"%s\"\n\n", argv[1]);
  print_help(stderr);
  return CLI_EXIT_USAGE;
}
