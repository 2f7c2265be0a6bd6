/* What the MPI and the MPI-less jobs share: the job's shape, the launcher's
 * environment, and the checks built on the collectives. */
#include "dist/dist.h"

#include <stdio.h>
#include <stdlib.h>

#include "runtime/error.h"
#include "runtime/memory.h"

int cnn_dist_launched_size(void) {
  /* Open MPI's mpirun, then the PMI of MPICH's and Slurm's launchers. */
  static const char *const names[] = {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE"};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    const char *value = getenv(names[i]);
    if (value && atoi(value) > 0) return atoi(value);
  }
  return 0;
}

cnn_status cnn_dist_alloc(int rank, int size, cnn_dist **out) {
  cnn_dist *d = cnn_alloc_zeroed(1, sizeof *d, "dist");
  if (!d) return CNN_STATUS_OUT_OF_MEMORY;
  d->rank = rank;
  d->size = size;
  d->micro_batches = cnn_alloc_zeroed((size_t)size + 1, sizeof(int), "dist shares");
  d->images = cnn_alloc_zeroed((size_t)size + 1, sizeof(int), "dist shares");
  d->counts = cnn_alloc_zeroed((size_t)size, sizeof(int), "dist counts");
  d->displs = cnn_alloc_zeroed((size_t)size, sizeof(int), "dist counts");
  if (!d->micro_batches || !d->images || !d->counts || !d->displs) {
    cnn_dist_free(d);
    return CNN_STATUS_OUT_OF_MEMORY;
  }
  *out = d;
  return CNN_STATUS_OK;
}

void cnn_dist_free(cnn_dist *dist) {
  if (!dist) return;
  cnn_free(dist->micro_batches);
  cnn_free(dist->images);
  cnn_free(dist->counts);
  cnn_free(dist->displs);
  cnn_free(dist);
}

int cnn_dist_rank(const cnn_dist *dist) { return dist ? dist->rank : 0; }
int cnn_dist_size(const cnn_dist *dist) { return dist ? dist->size : 1; }

int cnn_dist_any(cnn_dist *dist, int flag) {
  if (cnn_dist_size(dist) == 1) return flag != 0;
  return cnn_dist_min(dist, flag ? 0 : 1) == 0;
}

uint64_t cnn_dist_hash(const void *bytes, size_t size, uint64_t hash) {
  const unsigned char *p = bytes;
  if (hash == 0) hash = 14695981039346656037ull; /* the FNV offset basis */
  for (size_t i = 0; i < size; i++) hash = (hash ^ p[i]) * 1099511628211ull;
  return hash;
}

cnn_status cnn_dist_check_same(cnn_dist *dist, const uint64_t *fingerprints,
                               const char *const *names, int count) {
  enum { MAX_ITEMS = 16 };
  if (count < 0 || count > MAX_ITEMS)
    return cnn_error(CNN_STATUS_INVALID_ARGUMENT, "dist: %d fingerprints (at most %d)",
                     count, MAX_ITEMS);
  if (cnn_dist_size(dist) == 1) return CNN_STATUS_OK;
  uint64_t root[MAX_ITEMS];
  for (int i = 0; i < count; i++) root[i] = fingerprints[i];
  cnn_status st = cnn_dist_broadcast(dist, root, (size_t)count * sizeof *root);
  if (st) return st;
  /* The first differing item, coded with the rank so that one minimum over
   * the ranks finds the first item and, for it, the lowest rank. */
  const int none = count * dist->size;
  int mine = none;
  for (int i = 0; i < count && mine == none; i++)
    if (root[i] != fingerprints[i]) mine = i * dist->size + dist->rank;
  const int first = cnn_dist_min(dist, mine);
  if (first == none) return CNN_STATUS_OK;
  return cnn_error(CNN_STATUS_INVALID_ARGUMENT,
                   "rank %d of %d runs with a different %s than rank 0; every rank "
                   "must run the same cnn build, model, options, data and checkpoint",
                   first % dist->size, dist->size, names[first / dist->size]);
}
