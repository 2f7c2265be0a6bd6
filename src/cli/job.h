/* `cnn train` as one rank of an MPI job (mpirun -np R cnn train ...): the
 * start-up check that every rank runs the same thing, and rank 0's duties. */
#ifndef CNN_CLI_JOB_H
#define CNN_CLI_JOB_H

#include "cnn/cnn.h"

/* Nonzero on the rank that prints, logs, plots and saves (rank 0). */
static inline int cli_job_leader(const cnn_dist *dist) { return cnn_dist_rank(dist) == 0; }

/* Collective: refuses (on every rank, rank 0 printing why) unless all ranks
 * run the same build and kernels, model, training state, epoch count and
 * data as rank 0. */
cnn_status cli_job_check(cnn_dist *dist, cnn_context *ctx, const cnn_trainer *tr, int epochs,
                         const cnn_dataset *train, const cnn_dataset *test);

#endif
