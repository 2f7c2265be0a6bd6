/* Internal: weight initializers. */
#ifndef CNN_TRAIN_INIT_H
#define CNN_TRAIN_INIT_H

#include "cnn/train.h"
#include "train/layer.h"

/* Fills t with zero-mean Gaussian values of standard deviation
 *   He: sqrt(2 / fan_in)   Xavier: sqrt(2 / (fan_in + fan_out))   Gauss: gauss_std
 * (CNN_INIT_DEFAULT must have been resolved to He or Xavier). fan_in >= 1. */
void cnn_init_fill(cnn_tensor *t, cnn_init_kind kind, float gauss_std, int fan_in,
                   int fan_out, cnn_rng *rng);

#endif
