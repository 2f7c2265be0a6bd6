/* cnn train: epochs of training with test accuracy after each. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/interrupt.h"
#include "cli/job.h"
#include "cli/progress.h"

struct train_args {
  const char *model, *optimizer, *data, *save, *resume, *log, *plot;
  int epochs, batch, micro_batch, threads, save_every;
  float lr, lr_decay, weight_decay;
  uint64_t seed;
  double started; /* cli_now() when the command started */
  cnn_dist *dist;  /* the job's ranks; all but rank 0 have no save, log or plot */
};

/* One row of the report per epoch. */
struct epoch_row {
  unsigned long long epoch;
  double train_loss, train_accuracy, test_loss, test_accuracy, train_seconds,
      test_seconds;
  double wall_seconds; /* from the start of the command to this report */
};

static const struct cli_usage usage = {
    "train", "[options]",
    "Trains a model on an IDX data set (train-* and t10k-* files, raw or .gz) and\n"
    "reports train loss and accuracy, test loss and accuracy on the whole test set\n"
    "and seconds after every epoch (training, testing, and wall time since the\n"
    "command started). MODEL is a built-in name (lenet5, simple, mlp)\n"
    "or a model text such as \"conv 32 3x3 pad 1, relu, maxpool 2, fc 128, relu,\n"
    "fc 10\" (layers: conv, maxpool, avgpool, fc, relu, sigmoid, tanh, flatten).\n"
    "The learning rate is multiplied by --lr-decay after every epoch.\n"
    "--save writes a checkpoint after every epoch; --resume continues one exactly\n"
    "(its model, optimizer, schedule, batch size and random state) for --epochs\n"
    "more. Ctrl-C stops at the end of the current step and saves (a second one quits\n"
    "at once); --resume then starts the unfinished epoch over. Saves replace the\n"
    "file atomically: a crash leaves the previous checkpoint whole.\n"
    "Started by mpirun (mpirun -np R cnn train ...), R ranks train one model, each\n"
    "on its share of every batch with its own --threads, to the same weights bit\n"
    "for bit as one process; rank 0 alone prints and writes files.",
    0, 0};

/* A single word that is not a built-in name is a typo of one, not a model. */
static int check_model(const char *model) {
  if (cnn_model_builtin(model) || strpbrk(model, " ,\n")) return -1;
  return cli_usage_error("train",
                         "--model \"%s\": expected lenet5, simple, mlp or a model text "
                         "such as \"fc 100, relu, fc 10\"",
                         model);
}

static FILE *open_log(const char *path, int append) {
  FILE *f = fopen(path, append ? "a" : "w");
  if (!f) return NULL;
  if (ftell(f) == 0)
    fprintf(f, "epoch,train_loss,train_accuracy,test_loss,test_accuracy,"
               "train_seconds,test_seconds,wall_seconds\n");
  return f;
}

static void print_row(FILE *csv, const struct epoch_row *r) {
  printf("%5llu %11.4f %9.2f%% %10.4f %8.2f%% %8.1f %7.1f %7.1f\n", r->epoch, r->train_loss,
         100 * r->train_accuracy, r->test_loss, 100 * r->test_accuracy,
         r->train_seconds, r->test_seconds, r->wall_seconds);
  fflush(stdout);
  if (csv) {
    fprintf(csv, "%llu,%.6f,%.6f,%.6f,%.6f,%.3f,%.3f,%.3f\n", r->epoch, r->train_loss,
            r->train_accuracy, r->test_loss, r->test_accuracy, r->train_seconds,
            r->test_seconds, r->wall_seconds);
    fflush(csv);
  }
}

/* Flags that a checkpoint already decides. */
static int check_resume_conflicts(const struct cli_option *options, int count) {
  static const char *const decided[] = {"--model",        "--optimizer", "--lr",
                                        "--lr-decay",     "--batch",     "--seed",
                                        "--weight-decay", "--micro-batch"};
  for (size_t k = 0; k < sizeof decided / sizeof decided[0]; k++)
    if (cli_option_given(options, count, decided[k]))
      return cli_usage_error("train",
                               "%s cannot be combined with --resume: the checkpoint "
                               "holds the model, optimizer, batch size and random state",
                               decided[k]);
  return -1;
}

static cnn_status make_trainer(cnn_context *ctx, const struct train_args *a,
                               int lr_given, cnn_trainer **trainer) {
  if (a->resume) return cnn_trainer_resume(ctx, a->resume, trainer);
  cnn_optimizer_kind kind;
  cnn_status st = cnn_optimizer_parse(a->optimizer, &kind);
  if (st) return st;
  cnn_train_settings settings = cnn_train_settings_default(kind);
  if (lr_given) settings.lr = a->lr;
  settings.lr_decay = a->lr_decay;
  settings.weight_decay = a->weight_decay;
  settings.batch = a->batch;
  settings.micro_batch = a->micro_batch;
  return cnn_trainer_create(ctx, a->model, &settings, a->seed, trainer);
}

/* The curves of --plot: four series of this run's epochs, in percent and loss. */
struct curves {
  double *values; /* train accuracy, test accuracy, train loss, test loss; each capacity long */
  int count, capacity;
};

static cnn_status save_plot(const char *path, struct curves *c,
                            const struct epoch_row *row, unsigned long long first) {
  double *v = c->values;
  int n = c->count++, cap = c->capacity;
  v[n] = 100 * row->train_accuracy;
  v[cap + n] = 100 * row->test_accuracy;
  v[2 * cap + n] = row->train_loss;
  v[3 * cap + n] = row->test_loss;
  cnn_plot_series accuracy[] = {{"train accuracy", v, c->count},
                                {"test accuracy", v + cap, c->count}};
  cnn_plot_series loss[] = {{"train loss", v + 2 * cap, c->count},
                            {"test loss", v + 3 * cap, c->count}};
  cnn_plot_panel panels[] = {{"accuracy (%)", accuracy, 2}, {"loss", loss, 2}};
  char x_label[64];
  if (first > 1)
    snprintf(x_label, sizeof x_label, "epoch (1 = epoch %llu)", first);
  else
    snprintf(x_label, sizeof x_label, "epoch");
  return cnn_plot_save_svg(path, "cnn train", x_label, panels, 2);
}

/* Files written after the first epoch (--save, --plot) go to a temporary
 * file in their directory: check now that it can be written there, rather
 * than failing after an epoch of training. */
static int check_writable_dir(const char *flag, const char *path) {
  char dir[4096];
  const char *slash = strrchr(path, '/');
  size_t length = !slash ? 0 : slash == path ? 1 : (size_t)(slash - path);
  if (length >= sizeof dir) length = sizeof dir - 1;
  memcpy(dir, length ? path : ".", length ? length : 1);
  dir[length ? length : 1] = '\0';
  if (access(dir, W_OK | X_OK) == 0) return -1;
  fprintf(stderr, "cnn train: %s %s: cannot write in the directory %s: %s\n", flag, path,
          dir, strerror(errno));
  return CLI_EXIT_FAILURE;
}

/* What runs after every optimizer step: the progress line, the checkpoint
 * of --save-every, and the check for Ctrl-C. */
struct step_hook {
  struct cli_progress progress;
  cnn_trainer *tr;
  const char *save;
  int save_every;
  cnn_status save_status; /* a failed periodic save stops training */
  cnn_dist *dist;
};

static int after_step(void *user, int done, int total, double loss) {
  struct step_hook *h = user;
  int stop = cli_progress_update(&h->progress, done, total, loss);
  if (h->save_every && cnn_trainer_step(h->tr) % (uint64_t)h->save_every == 0 &&
      (h->save_status = cnn_trainer_save(h->tr, h->save)) != CNN_STATUS_OK)
    stop = 1;
  /* Every rank stops after the same step: Ctrl-C may reach them at
   * different moments, and a failed save reaches rank 0 alone. */
  return cnn_dist_any(h->dist, stop);
}

/* Ctrl-C: the checkpoint takes the state after the last complete step. An
 * epoch cut short does not count, so --resume starts it over. */
static int stop_interrupted(const struct train_args *a, cnn_trainer *tr) {
  unsigned long long step = cnn_trainer_step(tr), epochs = cnn_trainer_epoch(tr);
  if (!cli_job_leader(a->dist)) return 130;
  if (!a->save) {
    fprintf(stderr, "cnn train: interrupted after step %llu; nothing saved (no --save)\n",
            step);
    return 130;
  }
  cnn_status st = cnn_trainer_save(tr, a->save);
  if (st) return cli_fail("train", "saving the checkpoint", st);
  fprintf(stderr, "cnn train: interrupted after step %llu (%llu complete epochs); saved %s\n",
          step, epochs, a->save);
  return 130;
}

static int train_epochs(const struct train_args *a, cnn_context *ctx, cnn_trainer *tr,
                        const cnn_dataset *train, const cnn_dataset *test, FILE *csv,
                        struct curves *curves) {
  unsigned long long first = cnn_trainer_epoch(tr) + 1,
                     last = cnn_trainer_epoch(tr) + (unsigned long long)a->epochs;
  /* While loading or building: nothing to save yet. */
  if (cnn_dist_any(a->dist, cli_interrupted())) {
    fprintf(stderr, "cnn train: interrupted before training\n");
    return 130;
  }
  printf("epoch  train_loss  train_acc  test_loss  test_acc  train_s  test_s  wall_s\n");
  fflush(stdout); /* training has started: say so at once, also into a file */
  for (unsigned long long e = first; e <= last; e++) {
    struct step_hook hook = {.tr = tr, .save = a->save, .save_every = a->save_every,
                             .dist = a->dist};
    cli_progress_start(&hook.progress, e, last);
    cnn_epoch_stats stats;
    cnn_status st = cnn_trainer_train_epoch(tr, train, after_step, &hook, &stats);
    cli_progress_clear(&hook.progress);
    if (hook.save_status) return cli_fail("train", "saving the checkpoint", hook.save_status);
    if (st == CNN_STATUS_INTERRUPTED) return stop_interrupted(a, tr);
    /* A failure (a non-finite loss among them) saves nothing: the checkpoint
     * on disk stays the last good one. */
    if (st) return cli_fail("train", "training", st);
    struct epoch_row row = {.epoch = e, .train_loss = stats.loss,
                            .train_accuracy = stats.accuracy,
                            .train_seconds = cli_now() - hook.progress.start};
    double t = cli_now();
    cnn_evaluation ev;
    if ((st = cnn_net_evaluate(cnn_trainer_net(tr), ctx, test, &ev)))
      return cli_fail("train", "evaluating", st);
    row.test_loss = ev.loss;
    row.test_accuracy = ev.accuracy;
    row.test_seconds = cli_now() - t;
    row.wall_seconds = cli_now() - a->started;
    print_row(csv, &row);
    if (a->plot && (st = save_plot(a->plot, curves, &row, first)))
      return cli_fail("train", "--plot", st);
    if (a->save && (st = cnn_trainer_save(tr, a->save)))
      return cli_fail("train", "saving the checkpoint", st);
    /* During the evaluation. */
    if (cnn_dist_any(a->dist, cli_interrupted())) return stop_interrupted(a, tr);
  }
  if (a->save) printf("saved %s (epoch %llu)\n", a->save, last);
  return CLI_EXIT_OK;
}

int cli_train(int argc, char **argv) {
  struct train_args a = {.model = "lenet5", .optimizer = "adam", .data = "data/mnist",
                         .epochs = 10, .batch = 64, .seed = 1,
                         .lr_decay = 0.8f, .started = cli_now()};
  struct cli_option options[] = {
      CLI_STRING("--model", "MODEL", &a.model,
                 "lenet5 (default), simple, mlp, or a model text"),
      CLI_INT("--epochs", "N", &a.epochs, 1, 100000, "epochs to train (default 10)"),
      CLI_INT("--batch", "B", &a.batch, 1, 65536, "images per step (default 64)"),
      CLI_MICRO_BATCH(&a.micro_batch),
      CLI_STRING("--optimizer", "NAME", &a.optimizer, "sgd, momentum or adam (default)"),
      CLI_FLOAT_ABOVE("--lr", "X", &a.lr, 0, 10,
                      "learning rate (default 0.1 sgd, 0.01 momentum, 0.001 adam)"),
      CLI_FLOAT_ABOVE("--lr-decay", "X", &a.lr_decay, 0, 1,
                      "learning rate factor per epoch (default 0.8; 1: constant)"),
      CLI_FLOAT("--weight-decay", "X", &a.weight_decay, 0, 1,
                "L2 weight decay on weights, not biases (default 0)"),
      CLI_THREADS(&a.threads),
      CLI_U64("--seed", "S", &a.seed, "seed of initialization and shuffling (default 1)"),
      CLI_STRING("--data", "DIR", &a.data, "data set directory (default data/mnist)"),
      CLI_STRING("--save", "FILE", &a.save,
                 "write a checkpoint after every epoch, and on Ctrl-C"),
      CLI_INT("--save-every", "STEPS", &a.save_every, 1, 1000000000,
              "also write it every STEPS optimizer steps (needs --save)"),
      CLI_STRING("--resume", "FILE", &a.resume, "continue training from a checkpoint"),
      CLI_STRING("--log", "FILE.csv", &a.log, "write one CSV row per epoch"),
      CLI_STRING("--plot", "FILE.svg", &a.plot, "chart of loss and accuracy per epoch"),
  };
  int num_options = (int)(sizeof options / sizeof options[0]);
  char **args;
  int num_args, code = cli_parse(&usage, options, num_options, argc, argv, &args, &num_args);
  if (code >= 0) return code;
  cnn_optimizer_kind kind;
  if (cnn_optimizer_parse(a.optimizer, &kind))
    return cli_usage_error("train", "--optimizer \"%s\": expected sgd, momentum or adam",
                           a.optimizer);
  if ((code = check_model(a.model)) >= 0) return code;
  if (a.resume && (code = check_resume_conflicts(options, num_options)) >= 0) return code;
  if (a.save_every && !a.save)
    return cli_usage_error("train", "--save-every needs --save FILE");
  if ((a.save && (code = check_writable_dir("--save", a.save)) >= 0) ||
      (a.plot && (code = check_writable_dir("--plot", a.plot)) >= 0))
    return code;

  /* From here on Ctrl-C stops cleanly, also in a process started in the
   * background of a script, where SIGINT comes ignored. */
  cli_interrupt_install();

  /* One rank of an MPI job (mpirun -np R cnn train ...), or alone. */
  cnn_status started = cnn_dist_start(NULL, NULL, &a.dist);
  if (started) return cli_fail("train", "joining the MPI job", started);
  if (!cli_job_leader(a.dist)) { /* rank 0 alone prints and writes files */
    if (!freopen("/dev/null", "w", stdout)) return cli_fail("train", "stdout", CNN_STATUS_IO_ERROR);
    a.save = a.log = a.plot = NULL;
    a.save_every = 0;
  }
  if (cnn_dist_size(a.dist) > 1) cli_interrupt_on_terminate();
  int agreed = 0; /* a failure every rank reached together */

  cnn_context *ctx = NULL;
  cnn_dataset train = {0}, test = {0};
  cnn_trainer *tr = NULL;
  FILE *csv = NULL;
  cnn_status st;
  if ((st = cnn_dataset_load(a.data, "train", &train)) ||
      (st = cnn_dataset_load(a.data, "t10k", &test))) {
    cli_fail("train", "loading the data", st);
    if (strcmp(a.data, "data/mnist") == 0)
      fprintf(stderr, "(scripts/fetch-mnist downloads MNIST into data/mnist)\n");
    code = CLI_EXIT_FAILURE;
  } else if (test.rows != train.rows || test.cols != train.cols) {
    /* Found now rather than at the end of the first epoch. */
    fprintf(stderr, "cnn train: --data %s: the test images are %dx%d but the training "
                    "images %dx%d\n", a.data, test.rows, test.cols, train.rows, train.cols);
    code = CLI_EXIT_FAILURE;
  } else if ((st = cli_context(a.threads, &ctx))) {
    code = cli_fail("train", "--threads", st);
  } else if ((st = make_trainer(ctx, &a, cli_option_given(options, num_options, "--lr"),
                                &tr))) {
    code = cli_fail("train", a.resume ? a.resume : "--model", st);
  } else if (a.log && !(csv = open_log(a.log, a.resume != NULL))) {
    fprintf(stderr, "cnn train: --log %s: cannot open for writing\n", a.log);
    code = CLI_EXIT_FAILURE;
  } else if (cli_job_check(a.dist, ctx, tr, a.epochs, &train, &test)) {
    code = CLI_EXIT_FAILURE;
    agreed = 1;
  } else {
    cnn_trainer_set_dist(tr, a.dist);
    cnn_net *net = cnn_trainer_net(tr);
    char settings[256];
    cnn_train_settings_format(cnn_trainer_settings(tr), settings, sizeof settings);
    printf("model: %s (%zu weights)\n", cnn_net_text(net), cnn_net_num_weights(net));
    printf("optimizer: %s\n", settings);
    if (a.resume)
      printf("resuming %s after epoch %llu (step %llu)\n", a.resume,
             (unsigned long long)cnn_trainer_epoch(tr),
             (unsigned long long)cnn_trainer_step(tr));
    else
      printf("seed: %llu\n", (unsigned long long)a.seed);
    printf("data: %s, %d training and %d test images of %dx%d\n", a.data, train.count,
           test.count, train.rows, train.cols);
    if (cnn_dist_size(a.dist) > 1)
      printf("ranks: %d, each running its share of every batch on its own threads\n",
             cnn_dist_size(a.dist));
    struct curves curves = {calloc(4 * (size_t)a.epochs, sizeof(double)), 0, a.epochs};
    if (!curves.values) {
      fprintf(stderr, "cnn train: out of memory\n");
      code = CLI_EXIT_FAILURE;
    } else {
      code = train_epochs(&a, ctx, tr, &train, &test, csv, &curves);
    }
    free(curves.values);
  }
  if (csv) fclose(csv);
  cnn_trainer_free(tr);
  cnn_context_free(ctx);
  cnn_dataset_free(&train);
  cnn_dataset_free(&test);
  /* A failure of one rank alone (a file it could not read or write) ends
   * the whole job, as the others may be waiting for it in a collective. */
  cnn_dist_end(a.dist, code == CLI_EXIT_OK || code == 130 || agreed ? 0 : code);
  return code;
}
