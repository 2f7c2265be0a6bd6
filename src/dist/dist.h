/* Internal: the job of ranks behind cnn_dist, and the collectives the
 * training step is built on. dist_mpi.c implements them on MPI (and is the
 * only file that includes <mpi.h>), dist_alone.c for a build without MPI;
 * dist.c holds what both share. Every collective must be called by all
 * ranks in the same order, outside any OpenMP parallel region. */
#ifndef CNN_DIST_DIST_H
#define CNN_DIST_DIST_H

#include "cnn/dist.h"

struct cnn_dist {
  int rank, size;
  int mpi; /* MPI_Init_thread ran (and MPI_Finalize is due) */
  /* Scratch for a step's shares, size + 1 entries each: rank r holds
   * micro-batches [micro_batches[r], micro_batches[r+1]) and images
   * [images[r], images[r+1]) of the step. */
  int *micro_batches, *images;
  int *counts, *displs; /* of a collective, size entries each */
};

typedef enum cnn_dist_type { CNN_DIST_INT, CNN_DIST_FLOAT, CNN_DIST_DOUBLE } cnn_dist_type;

/* The ranks an MPI launcher started, from its environment; 0 when none. */
int cnn_dist_launched_size(void);

/* A job of one (rank 0 of 1) with its scratch for size ranks. */
cnn_status cnn_dist_alloc(int rank, int size, cnn_dist **out);
void cnn_dist_free(cnn_dist *dist);

/* In place: rank r owns units [parts[r], parts[r+1]) of buf, a unit being
 * per_unit values of type; afterwards every rank holds every rank's units. */
cnn_status cnn_dist_allgather(cnn_dist *dist, void *buf, cnn_dist_type type,
                              size_t per_unit, const int *parts);
/* In place: the element-wise sum over ranks of count floats (an allreduce,
 * whose order of additions MPI chooses: not bit-exact across rank counts;
 * bench/dist_bench.c times it against cnn_dist_allgather). */
cnn_status cnn_dist_allreduce_sum(cnn_dist *dist, float *buf, size_t count);
/* bytes of rank 0's buf into every rank's. */
cnn_status cnn_dist_broadcast(cnn_dist *dist, void *buf, size_t bytes);
/* The smallest value over ranks. */
int cnn_dist_min(cnn_dist *dist, int value);
/* Waits for every rank. */
void cnn_dist_barrier(cnn_dist *dist);

#endif
