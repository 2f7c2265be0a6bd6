#include "cli/job.h"

#include <stdio.h>
#include <string.h>

static uint64_t hash_dataset(const cnn_dataset *ds, uint64_t h) {
  const int shape[3] = {ds->count, ds->rows, ds->cols};
  h = cnn_dist_hash(shape, sizeof shape, h);
  h = cnn_dist_hash(ds->images, (size_t)ds->count * ds->rows * ds->cols, h);
  return cnn_dist_hash(ds->labels, (size_t)ds->count * sizeof *ds->labels, h);
}

cnn_status cli_job_check(cnn_dist *dist, cnn_context *ctx, const cnn_trainer *tr, int epochs,
                         const cnn_dataset *train, const cnn_dataset *test) {
  char build[64];
  /* The kernels too: ranks on different ISAs would round differently and
   * their weights would drift apart. */
  snprintf(build, sizeof build, "%d.%d.%d %s", CNN_VERSION_MAJOR, CNN_VERSION_MINOR,
           CNN_VERSION_PATCH, cnn_isa_name(cnn_context_isa(ctx)));
  const char *model = cnn_net_text(cnn_trainer_net((cnn_trainer *)tr));
  static const char *const names[] = {
      "cnn version or kernels", "model",
      "training state (options, seed, or --resume checkpoint)", "--epochs",
      "--data (training and test images)"};
  const uint64_t fingerprints[] = {
      cnn_dist_hash(build, strlen(build), 0), cnn_dist_hash(model, strlen(model), 0),
      cnn_trainer_fingerprint(tr), cnn_dist_hash(&epochs, sizeof epochs, 0),
      hash_dataset(test, hash_dataset(train, 0))};
  cnn_status st = cnn_dist_check_same(dist, fingerprints, names, 5);
  if (st && cli_job_leader(dist)) fprintf(stderr, "cnn train: %s\n", cnn_last_error());
  return st;
}
