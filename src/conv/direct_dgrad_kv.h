/* Internal: the direct path's filter-vector backward-data pass, for
 * stride 1 with few input channels and enough filters to fill the vector
 * lanes (lenet_c2: 6 channels, 16 filters).
 *
 * dx[c, iy, ix] sums dy at (iy - top + r', ix - left + s') times the
 * flipped filter (r', s') over the filters, top = R-1-pad_h and
 * left = S-1-pad_w. The pass lays each image's dy out channels-last and
 * puts the filters in the vector lanes (the conv_dgrad_kv micro-kernel):
 * each lane sums its filters, the lanes are added once per dx pixel. Every
 * tile runs only over the filter rows that reach real dy rows and over the
 * taps that reach a real dy column from one of its positions (dy rows are
 * padded with zero columns for the others): for lenet_c2, 54 products for
 * every 50 a full clipping would leave, against 196 for 100 in a full
 * correlation of the padded dy. */
#ifndef CNN_CONV_DIRECT_DGRAD_KV_H
#define CNN_CONV_DIRECT_DGRAD_KV_H

#include "conv/conv.h"

/* Nonzero when the filter-vector pass runs p on the context's kernels. */
int cnn_conv_dgrad_kv_suits(const cnn_context *ctx, const struct cnn_conv_problem *p);

cnn_status cnn_conv_dgrad_kv(cnn_context *ctx, const struct cnn_conv_problem *p,
                             const float *dy, const float *w, float *dx);

#endif
