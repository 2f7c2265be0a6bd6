/* Internal: one shifted GEMM of the direct convolution path.
 *
 *   out[ch][o] = sum_{p<kd} A[ch][p] * planes[rows[p] + o]
 * for m output channels ch and flattened output positions o = i*ld + j
 * (i < out_h, j < ld); positions with j >= out_w are discarded. Tiles of
 * NR positions run the context's conv_direct micro-kernel over blocks of
 * reduction steps, and are scattered into the NCHW destination with the
 * bias and ReLU applied on the way. */
#ifndef CNN_CONV_DIRECT_GEMM_H
#define CNN_CONV_DIRECT_GEMM_H

#include <stddef.h>
#include <stdint.h>

#include "conv/conv.h"
#include "kernels/ukernels.h"

struct cnn_direct_gemm {
  int m, kd;              /* kd == 0: the outputs are zero */
  const int32_t *rows;    /* kd offsets into the planes */
  const float *a;         /* packed filters, cnn_direct_gemm_a_len floats */
  int out_h, out_w, ld;
  /* Output (i, j) of channel ch lands at
   *   dst[ch*dst_plane + (y0 + i*sy)*dst_w + x0 + j*sx]. */
  size_t dst_plane;
  int dst_w, y0, x0, sy, sx;
};

/* The epilogue of forward passes. */
struct cnn_direct_epilogue {
  const float *bias; /* NULL: none */
  int relu;
};

/* One row segment of the epilogue: out[j*step] = f(in[j]) for j < count,
 * f adding *bias (when not NULL) and taking cnn_f32_relu (when relu); in may
 * be out. The unit-step loops are separate so the compiler vectorises
 * them. */
void cnn_direct_epilogue_row(const float *in, size_t count, float *out, int step,
                             const float *bias, int relu);

/* Floats of the packed filters of an m x kd GEMM. */
size_t cnn_direct_gemm_a_len(const struct cnn_kernels *k, int m, int kd);
/* Number of output tiles of the flattened output. */
size_t cnn_direct_gemm_tiles(const struct cnn_kernels *k, const struct cnn_direct_gemm *g);
/* Floats of the per-thread tile buffer. */
size_t cnn_direct_gemm_panel_len(const struct cnn_kernels *k, int m);
/* The furthest offset from a row start that tiles read. */
size_t cnn_direct_gemm_reach(const struct cnn_kernels *k, const struct cnn_direct_gemm *g);

/* Packs A[ch][p] = w[ch*ch_stride + p_offset[p]] for ch < m, p < kd. */
void cnn_direct_gemm_pack_a(const struct cnn_kernels *k, int m, int kd,
                            const float *w, size_t ch_stride,
                            const size_t *p_offset, float *a);

/* The packing of both tile orientations: blocks of mr channels, each kd
 * steps of mr values (zero past channel m), cnn_direct_filters_len floats. */
size_t cnn_direct_filters_len(int mr, int m, int kd);
void cnn_direct_pack_filters(int mr, int m, int kd, const float *w, size_t ch_stride,
                             const size_t *p_offset, float *a);

/* Packs the filters of p's forward pass (steps in (c, r, s) order) into
 * blocks of mr channels: from w, the filters of p, or with `flipped`, w the
 * filters of the problem p is the transposed of (conv/conv_direct.h): the
 * filter of output channel m at step (c, r, s) is then
 * w[((c*M + m)*R + R-1-r)*S + S-1-s], M = p->k. offsets: kd scratch. */
void cnn_direct_pack_forward_filters(int mr, const struct cnn_conv_problem *p, const float *w,
                                     int flipped, size_t *offsets, float *a);

/* Computes the tile at flattened position o0 (a multiple of NR), whose
 * reduction step p reads x + g->rows[p]. */
void cnn_direct_gemm_run_tile(const struct cnn_kernels *k,
                              const struct cnn_direct_gemm *g, const float *x,
                              size_t o0, float *panel,
                              const struct cnn_direct_epilogue *epi, float *dst);

#endif
