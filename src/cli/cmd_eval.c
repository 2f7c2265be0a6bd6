/* cnn eval: accuracy and confusion matrix of a checkpoint on a test set. */
#include <stdio.h>

#include "cli/cli.h"

static const struct cli_usage usage = {
    "eval", "FILE [options]",
    "Evaluates the checkpoint FILE on the test images of an IDX data set\n"
    "(t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte, raw or .gz): prints the\n"
    "accuracy, the mean loss and the confusion matrix (rows: true class,\n"
    "columns: predicted class).",
    1, 1};

static void print_confusion(const cnn_evaluation *ev) {
  printf("\nconfusion matrix (rows true, columns predicted):\n      ");
  for (int p = 0; p < CNN_DATASET_CLASSES; p++) printf("%6d", p);
  printf("  recall\n");
  for (int t = 0; t < CNN_DATASET_CLASSES; t++) {
    int row = 0;
    printf("%6d", t);
    for (int p = 0; p < CNN_DATASET_CLASSES; p++) {
      printf("%6d", ev->confusion[t][p]);
      row += ev->confusion[t][p];
    }
    printf("  %5.1f%%\n", row ? 100.0 * ev->confusion[t][t] / row : 0.0);
  }
}

int cli_eval(int argc, char **argv) {
  const char *data = "data/mnist";
  int threads = 0, batch = 256;
  struct cli_option options[] = {
      CLI_STRING("--data", "DIR", &data, "data set directory (default data/mnist)"),
      CLI_INT("--batch", "B", &batch, 1, 65536, "images per forward pass (default 256)"),
      CLI_THREADS(&threads),
  };
  char **args;
  int num_args;
  int code = cli_parse(&usage, options, (int)(sizeof options / sizeof options[0]), argc,
                       argv, &args, &num_args);
  if (code >= 0) return code;
  cnn_context *ctx = NULL;
  cnn_dataset test = {0};
  cnn_net *net = NULL;
  cnn_evaluation ev;
  cnn_status st;
  if ((st = cnn_dataset_load(data, "t10k", &test))) {
    cli_fail("eval", "loading the data", st);
    code = CLI_EXIT_FAILURE;
  } else if ((st = cli_context(threads, &ctx))) {
    code = cli_fail("eval", "--threads", st);
  } else if ((st = cnn_net_load(ctx, args[0], batch, &net))) {
    cli_fail("eval", args[0], st);
    code = CLI_EXIT_FAILURE;
  } else if ((st = cnn_net_evaluate(net, ctx, &test, &ev))) {
    cli_fail("eval", "evaluating", st);
    code = CLI_EXIT_FAILURE;
  } else {
    printf("model: %s\n", cnn_net_text(net));
    printf("%s: accuracy %.2f%% (%d of %d), loss %.4f\n", data, 100 * ev.accuracy,
           (int)(ev.accuracy * ev.count + 0.5), ev.count, ev.loss);
    print_confusion(&ev);
    code = CLI_EXIT_OK;
  }
  cnn_net_free(net);
  cnn_context_free(ctx);
  cnn_dataset_free(&test);
  return code;
}
