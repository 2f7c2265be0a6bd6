/* The job on MPI: the only file that includes <mpi.h>. MPI runs funneled:
 * only the thread that started the job calls it, outside OpenMP regions. */
#include <limits.h>
#include <stdlib.h>
#include <mpi.h>

#include "dist/dist.h"
#include "runtime/error.h"

int cnn_dist_built_with_mpi(void) { return 1; }

cnn_status cnn_dist_start(int *argc, char ***argv, cnn_dist **out) {
  if (!out) return cnn_error(CNN_STATUS_INVALID_ARGUMENT, "dist: out is NULL");
  *out = NULL;
  /* Started without a launcher: a job of one that never touches MPI, so a
   * plain `cnn train` starts and runs exactly as in a build without it. */
  if (cnn_dist_launched_size() == 0) return cnn_dist_alloc(0, 1, out);
  /* A rank waiting in a collective yields its core instead of spinning on
   * it, unless the user says otherwise: on a machine whose cores are
   * shared (by other jobs, or by more ranks than cores), spinning waiters
   * starve the rank they wait for. lenet5, one epoch on 2 ranks x 1 thread
   * on 2 cores at a load of 7: 33 s spinning, 9 to 16 s yielding; with a
   * core of its own a yield returns at once. */
  setenv("OMPI_MCA_mpi_yield_when_idle", "1", 0);
  int provided, rank, size;
  if (MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS)
    return cnn_error(CNN_STATUS_IO_ERROR, "dist: MPI_Init_thread failed");
  if (provided < MPI_THREAD_FUNNELED) {
    MPI_Finalize();
    return cnn_error(CNN_STATUS_IO_ERROR,
                     "dist: this MPI does not allow threads (MPI_THREAD_FUNNELED)");
  }
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  cnn_status st = cnn_dist_alloc(rank, size, out);
  if (st) {
    MPI_Abort(MPI_COMM_WORLD, 1);
    return st;
  }
  (*out)->mpi = 1;
  return CNN_STATUS_OK;
}

void cnn_dist_end(cnn_dist *dist, int abort) {
  if (dist && dist->mpi) {
    if (abort) MPI_Abort(MPI_COMM_WORLD, abort);
    MPI_Finalize();
  }
  cnn_dist_free(dist);
}

static MPI_Datatype mpi_type(cnn_dist_type type) {
  return type == CNN_DIST_INT ? MPI_INT : type == CNN_DIST_FLOAT ? MPI_FLOAT : MPI_DOUBLE;
}

cnn_status cnn_dist_allgather(cnn_dist *dist, void *buf, cnn_dist_type type,
                              size_t per_unit, const int *parts) {
  if (dist->size == 1) return CNN_STATUS_OK;
  /* MPI counts are ints: a share beyond 2^31 values is refused (a batch
   * that large would not fit in memory anyway). */
  for (int r = 0; r < dist->size; r++) {
    const size_t count = (size_t)(parts[r + 1] - parts[r]) * per_unit;
    const size_t displ = (size_t)parts[r] * per_unit;
    if (count > INT_MAX || displ > INT_MAX)
      return cnn_error(CNN_STATUS_INVALID_ARGUMENT, "dist: a share of %zu values", count);
    dist->counts[r] = (int)count;
    dist->displs[r] = (int)displ;
  }
  if (MPI_Allgatherv(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, buf, dist->counts, dist->displs, mpi_type(type),
                     MPI_COMM_WORLD) != MPI_SUCCESS)
    return cnn_error(CNN_STATUS_IO_ERROR, "dist: MPI_Allgatherv failed");
  return CNN_STATUS_OK;
}

cnn_status cnn_dist_allreduce_sum(cnn_dist *dist, float *buf, size_t count) {
  if (dist->size == 1) return CNN_STATUS_OK;
  if (count > INT_MAX)
    return cnn_error(CNN_STATUS_INVALID_ARGUMENT, "dist: %zu values to reduce", count);
  if (MPI_Allreduce(MPI_IN_PLACE, buf, (int)count, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD) !=
      MPI_SUCCESS)
    return cnn_error(CNN_STATUS_IO_ERROR, "dist: MPI_Allreduce failed");
  return CNN_STATUS_OK;
}

cnn_status cnn_dist_broadcast(cnn_dist *dist, void *buf, size_t bytes) {
  if (dist->size == 1) return CNN_STATUS_OK;
  if (bytes > INT_MAX) return cnn_error(CNN_STATUS_INVALID_ARGUMENT, "dist: %zu bytes", bytes);
  if (MPI_Bcast(buf, (int)bytes, MPI_BYTE, 0, MPI_COMM_WORLD) != MPI_SUCCESS)
    return cnn_error(CNN_STATUS_IO_ERROR, "dist: MPI_Bcast failed");
  return CNN_STATUS_OK;
}

int cnn_dist_min(cnn_dist *dist, int value) {
  if (dist->size == 1) return value;
  int least = value;
  MPI_Allreduce(&value, &least, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
  return least;
}

void cnn_dist_barrier(cnn_dist *dist) {
  if (dist->size > 1) MPI_Barrier(MPI_COMM_WORLD);
}
