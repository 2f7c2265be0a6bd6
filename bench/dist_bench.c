/* dist_bench: what data parallelism costs on this machine, for
 * docs/SCALING.md. Run under mpirun (mpirun -np R build/bench/dist_bench);
 * rank 0 prints one line per model:
 *  - a training step split into compute (the micro-batches and the combine
 *    phase, the optimizer step, loading), waiting for the slowest rank, and
 *    communication (the collectives of the exchange), from `steps` steps of
 *    the data set after one warm-up epoch of as many;
 *  - the time of the two collectives that could carry a step's gradients,
 *    median of 50 after 5 warm-ups: MPI_Allgatherv of what the step gathers
 *    (the slots and the fc rows; what cnn does, bit-exact across rank counts)
 *    and MPI_Allreduce of the gradients (what Horovod and DDP do; its sums
 *    are MPI's, not bit-exact across rank counts).
 * And what sharing the fc weight gradients by columns among the ranks
 * would trade (each rank now computes them over the whole batch): the
 * combine phase's time on this rank (median of 20 reruns of the last
 * step's; mostly those gradients) against an allgather of the fc
 * gradients (fc_allgather_us). tiny_allgather_us: an allgather of one
 * value per rank, the latency of a collective.
 * Each rank uses --threads threads; every figure is rank 0's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cnn/cnn.h"
#include "dist/dist.h"
#include "runtime/clock.h"
#include "train/step_exchange.h"

static const struct {
  const char *name, *text;
  int batch;
} models[] = {
    {"lenet5", "lenet5", 64},
    {"simple", "simple", 100},
    /* The larger one: the two-conv MNIST net of the TensorFlow tutorials
     * (3.3 million weights, most in its fc 1024). */
    {"tf_mnist",
     "conv 32 5x5 pad 2, relu, maxpool 2, conv 64 5x5 pad 2, relu, maxpool 2, fc 1024, "
     "relu, fc 10",
     64},
};

static int compare_doubles(const void *a, const void *b) {
  const double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Median seconds of one collective over 50 runs after 5 warm-ups. */
static double time_collective(cnn_dist *dist, float *buf, size_t floats, int allreduce) {
  enum { WARM = 5, RUNS = 50 };
  const int R = cnn_dist_size(dist);
  int *parts = malloc(sizeof(int) * (size_t)(R + 1));
  double seconds[RUNS];
  for (int r = 0; r <= R; r++) parts[r] = (int)((size_t)r * floats / (size_t)R);
  for (int k = 0; k < WARM + RUNS; k++) {
    cnn_dist_barrier(dist);
    const double start = cnn_seconds();
    cnn_status st = allreduce ? cnn_dist_allreduce_sum(dist, buf, floats)
                              : cnn_dist_allgather(dist, buf, CNN_DIST_FLOAT, 1, parts);
    if (st) fprintf(stderr, "dist_bench: %s\n", cnn_last_error());
    if (k >= WARM) seconds[k - WARM] = cnn_seconds() - start;
  }
  free(parts);
  qsort(seconds, RUNS, sizeof *seconds, compare_doubles);
  return seconds[RUNS / 2];
}

static int bench_model(cnn_dist *dist, cnn_context *ctx, const cnn_dataset *train, int m,
                       int steps) {
  cnn_train_settings settings = cnn_train_settings_default(CNN_OPTIMIZER_ADAM);
  settings.batch = models[m].batch;
  cnn_trainer *tr;
  cnn_status st = cnn_trainer_create(ctx, models[m].text, &settings, 1, &tr);
  if (st) {
    fprintf(stderr, "dist_bench: %s: %s\n", models[m].name, cnn_last_error());
    return 1;
  }
  cnn_trainer_set_dist(tr, dist);
  cnn_net *net = cnn_trainer_net(tr);
  cnn_dataset part = *train; /* the first steps * batch images */
  if ((size_t)part.count > (size_t)steps * (size_t)settings.batch)
    part.count = steps * settings.batch;
  const int layers = cnn_net_num_layers(net);
  cnn_train_profile profile = {0};
  profile.forward_s = calloc((size_t)layers, sizeof(double));
  profile.backward_s = calloc((size_t)layers, sizeof(double));
  cnn_epoch_stats stats;
  double seconds = 0;
  st = cnn_trainer_train_epoch(tr, &part, NULL, NULL, &stats); /* warm-up */
  if (!st) {
    cnn_trainer_set_profile(tr, &profile);
    const double start = cnn_seconds();
    st = cnn_trainer_train_epoch(tr, &part, NULL, NULL, &stats);
    seconds = cnn_seconds() - start;
    cnn_trainer_set_profile(tr, NULL);
  }
  if (st) fprintf(stderr, "dist_bench: %s: %s\n", models[m].name, cnn_last_error());
  const int n = settings.batch;
  size_t grads = 0;
  for (int k = 0; k < cnn_net_num_params(net); k++)
    grads += cnn_tensor_numel(cnn_net_param(net, k));
  const size_t gathered = cnn_step_exchange_floats(net, n);
  const size_t fc_grads = grads - net->plan.slot_floats;
  double combine[20];
  for (int k = 0; k < 20; k++) {
    const double start = cnn_seconds();
    cnn_net_pass_combine(net, ctx, n, CNN_NET_TRAIN, NULL, NULL);
    combine[k] = cnn_seconds() - start;
  }
  qsort(combine, 20, sizeof *combine, compare_doubles);
  const size_t largest = grads > gathered ? grads : gathered;
  float *buf = calloc(largest, sizeof(float));
  const double allgather_s = time_collective(dist, buf, gathered, 0);
  const double allreduce_s = time_collective(dist, buf, grads, 1);
  const double fc_allgather_s = time_collective(dist, buf, fc_grads, 0);
  /* One value per rank: the latency of a collective. */
  const double tiny_s = time_collective(dist, buf, (size_t)cnn_dist_size(dist), 0);
  free(buf);
  const int done = (part.count + n - 1) / n;
  const double step = seconds / done, wait = profile.wait_s / done,
               comm = profile.exchange_s / done;
  if (cnn_dist_rank(dist) == 0)
    printf("model=%s ranks=%d threads=%d batch=%d micro_batch=%d steps=%d step_ms=%.3f "
           "compute_ms=%.3f wait_ms=%.3f comm_ms=%.3f comm_share=%.1f%% grad_floats=%zu "
           "gather_floats=%zu allgather_us=%.1f allreduce_us=%.1f combine_ms=%.3f "
           "fc_grad_floats=%zu fc_allgather_us=%.1f update_ms=%.3f tiny_allgather_us=%.1f\n",
           models[m].name, cnn_dist_size(dist), cnn_context_num_threads(ctx), n,
           net->plan.micro_batch, done, 1e3 * step, 1e3 * (step - wait - comm), 1e3 * wait,
           1e3 * comm, 100 * comm / step, grads, gathered, 1e6 * allgather_s,
           1e6 * allreduce_s, 1e3 * combine[10], fc_grads, 1e6 * fc_allgather_s,
           1e3 * profile.update_s / done, 1e6 * tiny_s);
  fflush(stdout);
  free(profile.forward_s);
  free(profile.backward_s);
  cnn_trainer_free(tr);
  return st != CNN_STATUS_OK;
}

int main(int argc, char **argv) {
  const char *data = "data/mnist", *only = NULL;
  int threads = 1, steps = 200;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (strcmp(argv[i], "--data") == 0) data = argv[i + 1];
    else if (strcmp(argv[i], "--threads") == 0) threads = atoi(argv[i + 1]);
    else if (strcmp(argv[i], "--steps") == 0) steps = atoi(argv[i + 1]);
    else if (strcmp(argv[i], "--model") == 0) only = argv[i + 1];
    else {
      fprintf(stderr, "usage: mpirun -np R dist_bench [--data DIR] [--threads T] "
                      "[--steps S] [--model lenet5|simple|tf_mnist]\n");
      return 2;
    }
  }
  cnn_dist *dist;
  if (cnn_dist_start(&argc, &argv, &dist)) {
    fprintf(stderr, "dist_bench: %s\n", cnn_last_error());
    return 1;
  }
  cnn_context *ctx = NULL;
  cnn_dataset train = {0};
  int failed = 0;
  if (cnn_dataset_load(data, "train", &train) || cnn_context_create(threads, &ctx)) {
    fprintf(stderr, "dist_bench: %s\n", cnn_last_error());
    failed = 1;
  }
  for (size_t m = 0; !failed && m < sizeof models / sizeof models[0]; m++)
    if (!only || strcmp(only, models[m].name) == 0)
      failed = bench_model(dist, ctx, &train, (int)m, steps);
  cnn_context_free(ctx);
  cnn_dataset_free(&train);
  cnn_dist_end(dist, failed);
  return failed;
}
