/* Internal: the direct path's channel-vector backward-data pass, for
 * stride 1 with enough input channels to fill the vector lanes.
 *
 * dx is the correlation of dy, zero-padded by R-1-pad_h rows and S-1-pad_w
 * columns on each side, with the flipped filters. Each dx row is computed
 * in segments of positions, the input channels in the vector lanes
 * (the conv_dgrad_cv micro-kernel), and only over the filter rows whose dy
 * row is real: for small images (lenet_c2: 10x10 dy, 5x5 filters) that
 * skips the half of a full correlation's work that multiplies padding. */
#ifndef CNN_CONV_DIRECT_DGRAD_CV_H
#define CNN_CONV_DIRECT_DGRAD_CV_H

#include "conv/conv.h"

/* The share of the vector lanes the channels of p fill in this pass. */
double cnn_conv_dgrad_cv_lanes_used(const cnn_context *ctx, const struct cnn_conv_problem *p);

/* Nonzero when the channel-vector pass runs p on the context's kernels. */
int cnn_conv_dgrad_cv_suits(const cnn_context *ctx, const struct cnn_conv_problem *p);

cnn_status cnn_conv_dgrad_cv(cnn_context *ctx, const struct cnn_conv_problem *p,
                             const float *dy, const float *w, float *dx);

#endif
