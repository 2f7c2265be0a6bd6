/* Internal: a training step run by the ranks of a job together (see
 * step_exchange.c for how the bits stay those of one process). */
#ifndef CNN_TRAIN_STEP_EXCHANGE_H
#define CNN_TRAIN_STEP_EXCHANGE_H

#include "cnn/dist.h"
#include "train/net.h"

/* The rows [*from, *to) of a step of n images that this rank loads and
 * runs (all n for a job of one or dist NULL). */
void cnn_step_rows(cnn_dist *dist, const cnn_net *net, int n, int *from, int *to);

/* The floats a step of n images gathers from all ranks together: every
 * micro-batch's slots, and every image's rows of the CNN_GRAD_BATCH
 * layers' inputs and output gradients (each rank receives the share of the
 * others: (R-1)/R of it). The losses, counts and statuses add 4 values
 * per micro-batch. */
size_t cnn_step_exchange_floats(const cnn_net *net, int n);

/* cnn_net_pass(CNN_NET_TRAIN) over n images, each rank running its rows
 * (loaded by the caller): every rank returns the same gradients, loss and
 * top-1 count, those of one process. The profile's exchange_s gets the
 * time of the collectives and wait_s, before them, the time this rank waits
 * for the slowest one (a barrier, only when profiling). */
cnn_status cnn_step_train(cnn_net *net, cnn_context *ctx, cnn_dist *dist, int n, float *loss,
                          int *correct);

#endif
