/* Data parallelism across processes: the ranks of an MPI job (started by
 * mpirun) each run a share of every training step's micro-batches and
 * exchange what the others need through MPI collectives, so that every rank
 * ends the step with the gradients one process would have computed, bit for
 * bit, and takes the same optimizer step. A build without MPI (CMake option
 * CNN_MPI off, or no MPI found), or a process not started by an MPI
 * launcher, is a job of one rank: every call below is then free. */
#ifndef CNN_DIST_H
#define CNN_DIST_H

#include <stddef.h>
#include <stdint.h>

#include "cnn/status.h"
#include "cnn/train.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cnn_dist cnn_dist;

/* Nonzero when the library was built with MPI. */
int cnn_dist_built_with_mpi(void);

/* Joins the job this process belongs to (MPI_Init_thread, threads funneled
 * to the caller's thread) when an MPI launcher started it, else makes a job
 * of one. Fails in a build without MPI started as one of several ranks (each
 * would train alone). argc and argv may be NULL. */
cnn_status cnn_dist_start(int *argc, char ***argv, cnn_dist **dist);

/* Leaves the job. abort nonzero: this rank failed on its own (the others
 * may wait for it in a collective), so the whole job ends now, with
 * status abort (MPI_Abort); zero: every rank ends here together
 * (MPI_Finalize). Frees dist (NULL is fine). */
void cnn_dist_end(cnn_dist *dist, int abort);

int cnn_dist_rank(const cnn_dist *dist); /* 0 for NULL */
int cnn_dist_size(const cnn_dist *dist); /* 1 for NULL */

/* Collective: nonzero on every rank when flag is nonzero on any. */
int cnn_dist_any(cnn_dist *dist, int flag);

/* Collective: every rank compares its count fingerprints with rank 0's
 * (broadcast from it); names[i] says what fingerprint i covers ("model").
 * All ranks return the same status: OK, or an error whose message names
 * the first item that differs and the lowest rank where it does. */
cnn_status cnn_dist_check_same(cnn_dist *dist, const uint64_t *fingerprints,
                               const char *const *names, int count);

/* 64-bit FNV-1a of bytes, continuing from hash (start with 0). */
uint64_t cnn_dist_hash(const void *bytes, size_t size, uint64_t hash);

/* Has the trainer run its steps across the ranks of dist (NULL: alone):
 * each rank loads and runs its share of every batch (whole micro-batches),
 * and every rank ends each step with the same gradients and weights. All
 * ranks must drive the trainer alike (same data, same calls). */
void cnn_trainer_set_dist(cnn_trainer *trainer, cnn_dist *dist);

/* A fingerprint of what decides the trainer's next steps: model, settings,
 * position, random state, parameters and optimizer state (for
 * cnn_dist_check_same). */
uint64_t cnn_trainer_fingerprint(const cnn_trainer *trainer);

#ifdef __cplusplus
}
#endif

#endif
