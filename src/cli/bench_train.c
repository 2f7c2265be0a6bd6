/* cnn bench-train: how fast a model trains and infers on an IDX data set,
 * printed as one line of key=value pairs (the format of the PyTorch peer,
 * bench/peers/pytorch_mnist.py, which bench/vs_pytorch puts beside it). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "cli/cli.h"
#include "cli/progress.h"

struct bench_args {
  const char *model, *optimizer, *data;
  int batch, micro_batch, threads, epochs, profile;
  uint64_t seed;
};

static const struct cli_usage usage = {
    "bench-train", "[options]",
    "Trains MODEL for --epochs epochs and times each (training steps only), then\n"
    "times inference over the whole test set in batches of 1000, three times.\n"
    "Prints one line: engine= model= batch= threads= optimizer= epochs= epoch_s=\n"
    "median_epoch_s= train_img_s= infer_img_s= test_acc= peak_rss_mb=.\n"
    "--profile adds the step plan and a table of where the training time went,\n"
    "layer by layer (at more than one thread, the first thread's share); a pass\n"
    "run inside a neighbour's (a ReLU after a conv) reads \"fused\".",
    0, 0};

#define INFER_BATCH 1000
#define INFER_RUNS 3

static int compare_doubles(const void *a, const void *b) {
  const double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static double median(const double *values, int n) {
  double sorted[64];
  memcpy(sorted, values, (size_t)n * sizeof *values);
  qsort(sorted, (size_t)n, sizeof *sorted, compare_doubles);
  return n % 2 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
}

/* A net for batches of INFER_BATCH with the trained net's weights. */
static cnn_status inference_net(cnn_context *ctx, cnn_net *trained, cnn_net **out) {
  cnn_rng rng;
  cnn_rng_seed(&rng, 0);
  cnn_status st = cnn_net_create(ctx, cnn_net_text(trained), INFER_BATCH, &rng, out);
  if (st) return st;
  for (int k = 0; k < cnn_net_num_params(trained); k++) {
    const cnn_tensor *from = cnn_net_param(trained, k);
    memcpy(cnn_net_param(*out, k)->data, from->data, cnn_tensor_numel(from) * sizeof(float));
  }
  return CNN_STATUS_OK;
}

/* A pass's seconds per epoch, or "fused" for one run inside another layer's. */
static const char *pass_seconds(double seconds, int epochs, int fused, char *buf,
                                size_t size) {
  if (fused) return "fused";
  snprintf(buf, size, "%.3f", seconds / epochs);
  return buf;
}

static void print_profile(cnn_net *net, const cnn_train_profile *p, int epochs) {
  double total = p->load_s + p->loss_s + p->update_s + p->combine_s + p->prepare_s;
  for (int i = 0; i < cnn_net_num_layers(net); i++) total += p->forward_s[i] + p->backward_s[i];
  printf("profile: seconds per epoch (share of the profiled step time)\n");
  printf("  %-3s %-10s %-10s %9s %9s %7s\n", "#", "layer", "output", "forward", "backward",
         "share");
  for (int i = 0; i < cnn_net_num_layers(net); i++) {
    int c, h, w;
    cnn_net_layer_output_shape(net, i, &c, &h, &w);
    char shape[32];
    snprintf(shape, sizeof shape, "%dx%dx%d", c, h, w);
    const double both = p->forward_s[i] + p->backward_s[i];
    const int fused = cnn_net_layer_fused(net, i);
    char forward[32], backward[32];
    printf("  %-3d %-10s %-10s %9s %9s %6.1f%%\n", i + 1, cnn_net_layer_kind(net, i), shape,
           pass_seconds(p->forward_s[i], epochs, fused & CNN_LAYER_FUSED_FORWARD, forward,
                        sizeof forward),
           pass_seconds(p->backward_s[i], epochs, fused & CNN_LAYER_FUSED_BACKWARD, backward,
                        sizeof backward),
           100 * both / total);
  }
  const struct { const char *name; double seconds; } rest[] = {
      {"load batch", p->load_s},         {"loss", p->loss_s},
      {"pack fc weights", p->prepare_s}, {"sum gradient slots", p->combine_s},
      {"optimizer", p->update_s}};
  for (size_t k = 0; k < sizeof rest / sizeof rest[0]; k++)
    printf("  %-25s %9.3f %9s %6.1f%%\n", rest[k].name, rest[k].seconds / epochs, "",
           100 * rest[k].seconds / total);
  printf("  %-25s %9.3f\n", "total", total / epochs);
}

static int run(const struct bench_args *a, cnn_context *ctx, const cnn_dataset *train,
               const cnn_dataset *test) {
  cnn_optimizer_kind kind;
  cnn_optimizer_parse(a->optimizer, &kind);
  cnn_train_settings settings = cnn_train_settings_default(kind);
  settings.batch = a->batch;
  settings.micro_batch = a->micro_batch;
  cnn_trainer *tr = NULL;
  cnn_net *infer = NULL;
  cnn_train_profile profile = {0};
  double epoch_s[64], infer_s[INFER_RUNS];
  cnn_evaluation ev = {0};
  int code = CLI_EXIT_OK;
  cnn_status st = cnn_trainer_create(ctx, a->model, &settings, a->seed, &tr);
  if (st) return cli_fail("bench-train", "--model", st);
  cnn_net *net = cnn_trainer_net(tr);
  const int layers = cnn_net_num_layers(net);
  if (a->profile) {
    profile.forward_s = calloc((size_t)layers, sizeof(double));
    profile.backward_s = calloc((size_t)layers, sizeof(double));
    if (!profile.forward_s || !profile.backward_s) {
      fprintf(stderr, "cnn bench-train: out of memory\n");
      code = CLI_EXIT_FAILURE;
      goto done;
    }
    cnn_trainer_set_profile(tr, &profile);
  }
  for (int e = 0; e < a->epochs; e++) {
    cnn_epoch_stats stats;
    const double start = cli_now();
    if ((st = cnn_trainer_train_epoch(tr, train, NULL, NULL, &stats))) {
      code = cli_fail("bench-train", "training", st);
      goto done;
    }
    epoch_s[e] = cli_now() - start;
  }
  if ((st = inference_net(ctx, net, &infer))) {
    code = cli_fail("bench-train", "building the inference net", st);
    goto done;
  }
  for (int r = 0; r < INFER_RUNS; r++) {
    const double start = cli_now();
    if ((st = cnn_net_evaluate(infer, ctx, test, &ev))) {
      code = cli_fail("bench-train", "inference", st);
      goto done;
    }
    infer_s[r] = cli_now() - start;
  }
  if (a->profile) {
    char plan[8192];
    cnn_net_describe_plan(net, plan, sizeof plan);
    fputs(plan, stdout);
    print_profile(net, &profile, a->epochs);
  }

  struct rusage usage_now;
  getrusage(RUSAGE_SELF, &usage_now);
  const double epoch_median = median(epoch_s, a->epochs);
  printf("engine=cnn-%d.%d.%d-%s model=%s batch=%d threads=%d optimizer=%s epochs=%d "
         "epoch_s=",
         CNN_VERSION_MAJOR, CNN_VERSION_MINOR, CNN_VERSION_PATCH,
         cnn_isa_name(cnn_context_isa(ctx)), a->model, a->batch, cnn_context_num_threads(ctx),
         a->optimizer, a->epochs);
  for (int e = 0; e < a->epochs; e++) printf("%s%.3f", e ? "," : "", epoch_s[e]);
  printf(" median_epoch_s=%.3f train_img_s=%.0f infer_img_s=%.0f test_acc=%.4f "
         "peak_rss_mb=%.0f\n",
         epoch_median, train->count / epoch_median, test->count / median(infer_s, INFER_RUNS),
         ev.accuracy, usage_now.ru_maxrss / 1024.0);
done:
  cnn_trainer_set_profile(tr, NULL);
  free(profile.forward_s);
  free(profile.backward_s);
  cnn_net_free(infer);
  cnn_trainer_free(tr);
  return code;
}

int cli_bench_train(int argc, char **argv) {
  struct bench_args a = {.model = "lenet5", .optimizer = "adam", .data = "data/mnist",
                         .batch = 64, .epochs = 3, .seed = 1};
  struct cli_option options[] = {
      CLI_STRING("--model", "MODEL", &a.model,
                 "lenet5 (default), simple, mlp, or a model text"),
      CLI_INT("--batch", "B", &a.batch, 1, 65536, "images per step (default 64)"),
      CLI_MICRO_BATCH(&a.micro_batch),
      CLI_THREADS(&a.threads),
      CLI_INT("--epochs", "E", &a.epochs, 1, 64, "epochs to time (default 3)"),
      CLI_STRING("--optimizer", "NAME", &a.optimizer, "sgd, momentum or adam (default)"),
      CLI_U64("--seed", "S", &a.seed, "seed of initialization and shuffling (default 1)"),
      CLI_STRING("--data", "DIR", &a.data, "data set directory (default data/mnist)"),
      CLI_FLAG("--profile", &a.profile, "print the time per layer, forward and backward"),
  };
  const int num_options = (int)(sizeof options / sizeof options[0]);
  char **args;
  int num_args, code = cli_parse(&usage, options, num_options, argc, argv, &args, &num_args);
  if (code >= 0) return code;
  cnn_optimizer_kind kind;
  if (cnn_optimizer_parse(a.optimizer, &kind))
    return cli_usage_error("bench-train",
                           "--optimizer \"%s\": expected sgd, momentum or adam", a.optimizer);

  cnn_context *ctx = NULL;
  cnn_dataset train = {0}, test = {0};
  cnn_status st;
  if ((st = cnn_dataset_load(a.data, "train", &train)) ||
      (st = cnn_dataset_load(a.data, "t10k", &test))) {
    code = cli_fail("bench-train", "loading the data", st);
    if (strcmp(a.data, "data/mnist") == 0)
      fprintf(stderr, "(scripts/fetch-mnist downloads MNIST into data/mnist)\n");
  } else if ((st = cli_context(a.threads, &ctx))) {
    code = cli_fail("bench-train", "--threads", st);
  } else {
    code = run(&a, ctx, &train, &test);
  }
  cnn_context_free(ctx);
  cnn_dataset_free(&train);
  cnn_dataset_free(&test);
  return code;
}
