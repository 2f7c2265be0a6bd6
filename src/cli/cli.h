/* The cnn program: its subcommands and what they share. */
#ifndef CNN_CLI_CLI_H
#define CNN_CLI_CLI_H

#include <stdint.h>

#include "cnn/cnn.h"

/* Exit codes: success, a failure while running, a bad command line. */
enum { CLI_EXIT_OK = 0, CLI_EXIT_FAILURE = 1, CLI_EXIT_USAGE = 2 };

/* One subcommand; run gets argv[0] = its name. */
struct cli_command {
  const char *name;
  const char *summary;
  int (*run)(int argc, char **argv);
};

int cli_train(int argc, char **argv);
int cli_eval(int argc, char **argv);
int cli_predict(int argc, char **argv);
int cli_filters(int argc, char **argv);
int cli_features(int argc, char **argv);
int cli_bench_train(int argc, char **argv);
int cli_info(int argc, char **argv);

/* ---- options ---------------------------------------------------------- */
enum cli_option_type {
  CLI_OPT_INT,    /* int, within [min, max] */
  CLI_OPT_U64,    /* uint64_t */
  CLI_OPT_FLOAT,  /* float, finite, within [min, max] (min excluded if min_open) */
  CLI_OPT_STRING, /* const char * */
  CLI_OPT_FLAG    /* int set to 1 */
};

struct cli_option {
  const char *name;    /* "--epochs"; a short alias may follow in alias */
  const char *alias;   /* "-o" or NULL */
  const char *metavar; /* "N" */
  enum cli_option_type type;
  void *value;
  double min, max;
  int min_open;
  const char *help;
  int given; /* set by cli_parse */
};

/* Table rows, for example CLI_INT("--epochs", "N", &epochs, 1, 100000, "epochs"). */
#define CLI_STRING(opt, meta, ptr, text) \
  {.name = (opt), .metavar = (meta), .type = CLI_OPT_STRING, .value = (ptr), .help = (text)}
#define CLI_INT(opt, meta, ptr, lo, hi, text)                                    \
  {.name = (opt), .metavar = (meta), .type = CLI_OPT_INT, .value = (ptr), .min = (lo), \
   .max = (hi), .help = (text)}
#define CLI_U64(opt, meta, ptr, text)                                          \
  {.name = (opt), .metavar = (meta), .type = CLI_OPT_U64, .value = (ptr), .min = 0, \
   .max = 18446744073709551615.0, .help = (text)}
/* A float in (lo, hi] */
#define CLI_FLOAT_ABOVE(opt, meta, ptr, lo, hi, text)                               \
  {.name = (opt), .metavar = (meta), .type = CLI_OPT_FLOAT, .value = (ptr), .min = (lo), \
   .max = (hi), .min_open = 1, .help = (text)}
/* A float in [lo, hi] */
#define CLI_FLOAT(opt, meta, ptr, lo, hi, text)                                     \
  {.name = (opt), .metavar = (meta), .type = CLI_OPT_FLOAT, .value = (ptr), .min = (lo), \
   .max = (hi), .help = (text)}
#define CLI_FLAG(opt, ptr, text) \
  {.name = (opt), .type = CLI_OPT_FLAG, .value = (ptr), .help = (text)}

/* --threads T, the same in every subcommand (0 keeps the default). */
#define CLI_THREADS(ptr)                                                         \
  CLI_INT("--threads", "T", ptr, 1, 1024,                                        \
          "threads (default CNN_NUM_THREADS, else the physical cores)")

/* --micro-batch M, for the commands that train (0 keeps the default). */
#define CLI_MICRO_BATCH(ptr)                                                      \
  CLI_INT("--micro-batch", "M", ptr, 1, 65536,                                   \
          "images one thread runs through the whole net at a time (default: about " \
          "as many as fit in the L2 cache, 16 to 64); the bits depend on it")

struct cli_usage {
  const char *command;     /* "train" */
  const char *synopsis;    /* "[options]" or "FILE IMAGE... [options]" */
  const char *description; /* one paragraph */
  int min_args, max_args;  /* positional arguments (max -1: any number) */
};

/* Parses argv[1..] into options and positional arguments (returned in
 * *args, *num_args, pointing into argv). Returns -1 to go on, or the exit
 * code to return at once: 0 after --help, CLI_EXIT_USAGE after printing
 * what is wrong. */
int cli_parse(const struct cli_usage *usage, struct cli_option *options,
              int num_options, int argc, char **argv, char ***args, int *num_args);

/* Whether the option called name was on the command line. */
int cli_option_given(const struct cli_option *options, int num_options,
                     const char *name);

/* Prints "cnn COMMAND: message" to stderr and returns CLI_EXIT_USAGE. */
int cli_usage_error(const char *command, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Prints "cnn COMMAND: what: cnn_last_error()" to stderr and returns the
 * exit code for status: CLI_EXIT_USAGE for an invalid argument (it came
 * from the command line), else CLI_EXIT_FAILURE. */
int cli_fail(const char *command, const char *what, cnn_status status);

/* ---- shared steps ----------------------------------------------------- */
/* A context with threads (0: the default) and a line saying the ISA and
 * thread count, printed to stdout. */
cnn_status cli_context(int threads, cnn_context **ctx);
/* The index of the net's first conv layer, or -1. */
int cli_first_conv(const cnn_net *net);

#endif
