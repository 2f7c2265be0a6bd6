/* Internal: the forward pass of the direct path on row slots
 * (conv_direct_rows in kernels/ukernels.h): tiles of output channels times
 * NV vectors of positions, each vector a piece of one output row, so only
 * the end of each row loses lanes (to VL), with the bias and ReLU applied
 * in registers and the tile stored straight into NCHW: no tile buffer, no
 * scatter pass. Built for few input channels (a first layer), where the
 * reduction is short and that per-tile work weighs most. */
#ifndef CNN_CONV_CONV_DIRECT_ROWS_H
#define CNN_CONV_CONV_DIRECT_ROWS_H

#include "conv/conv.h"

cnn_status cnn_conv_direct_rows_forward(cnn_context *ctx, const struct cnn_conv_problem *p,
                                        const float *x, const float *w, const float *bias,
                                        int relu, float *y);

/* Backward-data at stride 1 (pad <= filter size - 1) as the forward pass
 * of the transposed problem: dy's K channels padded by R-1-pad_h rows and
 * S-1-pad_w columns, correlated with the flipped filters into dx's C
 * channels. Its planes are smaller than the ones cnn_conv_direct_check
 * bounds. Nonzero from _suits when that pass runs p on the context's
 * kernels (conv/conv_direct.c asks it first). */
int cnn_conv_direct_rows_backward_data_suits(const cnn_context *ctx,
                                             const struct cnn_conv_problem *p);
cnn_status cnn_conv_direct_rows_backward_data(cnn_context *ctx,
                                              const struct cnn_conv_problem *p,
                                              const float *dy, const float *w, float *dx);

#endif
