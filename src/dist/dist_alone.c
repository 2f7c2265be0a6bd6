/* The job in a build without MPI: always one rank, so every collective is a
 * no-op (they are only called with a size of 1). */
#include "dist/dist.h"
#include "runtime/error.h"

int cnn_dist_built_with_mpi(void) { return 0; }

cnn_status cnn_dist_start(int *argc, char ***argv, cnn_dist **out) {
  (void)argc;
  (void)argv;
  if (!out) return cnn_error(CNN_STATUS_INVALID_ARGUMENT, "dist: out is NULL");
  *out = NULL;
  const int launched = cnn_dist_launched_size();
  if (launched > 1)
    return cnn_error(CNN_STATUS_UNIMPLEMENTED,
                     "dist: started as one of %d ranks, but this cnn was built without "
                     "MPI (CMake option CNN_MPI, Debian libopenmpi-dev): each rank would "
                     "train alone",
                     launched);
  return cnn_dist_alloc(0, 1, out);
}

void cnn_dist_end(cnn_dist *dist, int abort) {
  (void)abort;
  cnn_dist_free(dist);
}

cnn_status cnn_dist_allgather(cnn_dist *dist, void *buf, cnn_dist_type type,
                              size_t per_unit, const int *parts) {
  (void)dist, (void)buf, (void)type, (void)per_unit, (void)parts;
  return CNN_STATUS_OK;
}

cnn_status cnn_dist_allreduce_sum(cnn_dist *dist, float *buf, size_t count) {
  (void)dist, (void)buf, (void)count;
  return CNN_STATUS_OK;
}

cnn_status cnn_dist_broadcast(cnn_dist *dist, void *buf, size_t bytes) {
  (void)dist, (void)buf, (void)bytes;
  return CNN_STATUS_OK;
}

int cnn_dist_min(cnn_dist *dist, int value) {
  (void)dist;
  return value;
}

void cnn_dist_barrier(cnn_dist *dist) { (void)dist; }
