#include "conv/direct_gemm.h"

#include <string.h>

/* The most reduction steps per block; a deeper reduction is split into
 * equal blocks, so that a tile's plane rows of one block (KC * NR floats,
 * 16 KiB for AVX2) stay in L1 while every block of channels reads them.
 * Measured on Zen 3 (AVX2, 512 KiB L2) with conv_bench --algo direct at 1
 * thread, two alternating runs against unsplit reductions: vgg_3x3
 * forward 65-70 -> 80-83 GFLOP/s, resnet_s2 forward 44-58 -> 60-62 and
 * backward-data 59-60 -> 62-63; pw_1x1 (256 steps) is not split. */
enum { KC = 256 };

static size_t round_up(size_t x, size_t to) { return (x + to - 1) / to * to; }

size_t cnn_direct_filters_len(int mr, int m, int kd) {
  return round_up((size_t)m, (size_t)mr) * (size_t)kd;
}

size_t cnn_direct_gemm_a_len(const struct cnn_kernels *k, int m, int kd) {
  return cnn_direct_filters_len(k->conv_direct_mr, m, kd);
}

size_t cnn_direct_gemm_tiles(const struct cnn_kernels *k, const struct cnn_direct_gemm *g) {
  const size_t n = (size_t)g->out_h * g->ld;
  return (n + k->conv_direct_nr - 1) / k->conv_direct_nr;
}

size_t cnn_direct_gemm_panel_len(const struct cnn_kernels *k, int m) {
  return round_up((size_t)m, (size_t)k->conv_direct_mr) * k->conv_direct_nr;
}

size_t cnn_direct_gemm_reach(const struct cnn_kernels *k, const struct cnn_direct_gemm *g) {
  return cnn_direct_gemm_tiles(k, g) * k->conv_direct_nr;
}

void cnn_direct_gemm_pack_a(const struct cnn_kernels *k, int m, int kd,
                            const float *w, size_t ch_stride,
                            const size_t *p_offset, float *a) {
  cnn_direct_pack_filters(k->conv_direct_mr, m, kd, w, ch_stride, p_offset, a);
}

void cnn_direct_pack_filters(int mr, int m, int kd, const float *w, size_t ch_stride,
                             const size_t *p_offset, float *a) {
  for (int m0 = 0; m0 < m; m0 += mr) {
    float *panel = a + (size_t)m0 * kd;
    for (int p = 0; p < kd; p++)
      for (int i = 0; i < mr; i++)
        panel[(size_t)p * mr + i] =
            m0 + i < m ? w[(size_t)(m0 + i) * ch_stride + p_offset[p]] : 0.0f;
  }
}

void cnn_direct_pack_forward_filters(int mr, const struct cnn_conv_problem *p, const float *w,
                                     int flipped, size_t *offsets, float *a) {
  const size_t kd = (size_t)p->c * p->r * p->s, taps = (size_t)p->r * p->s;
  for (size_t c = 0, i = 0; c < (size_t)p->c; c++)
    for (int r = 0; r < p->r; r++)
      for (int q = 0; q < p->s; q++, i++)
        offsets[i] = flipped ? (c * p->k * p->r + (size_t)(p->r - 1 - r)) * p->s +
                                   (size_t)(p->s - 1 - q)
                             : i;
  cnn_direct_pack_filters(mr, p->k, (int)kd, w, flipped ? taps : kd, offsets, a);
}

void cnn_direct_epilogue_row(const float *in, size_t count, float *out, int step,
                             const float *bias, int relu) {
  const float b = bias ? *bias : 0.0f;
  if (step == 1 && !relu && !bias) {
    if (out != in) memcpy(out, in, sizeof(float) * count);
  } else if (step == 1 && !relu) {
    for (size_t j = 0; j < count; j++) out[j] = in[j] + b;
  } else if (step == 1) {
    for (size_t j = 0; j < count; j++) out[j] = cnn_f32_relu(bias ? in[j] + b : in[j]);
  } else {
    for (size_t j = 0; j < count; j++) {
      const float v = bias ? in[j] + b : in[j];
      out[j * step] = relu ? cnn_f32_relu(v) : v;
    }
  }
}

/* Scatters positions [o0, o_end) of the tile in panel (rows of nr) into dst. */
static void scatter(const struct cnn_direct_gemm *g, const float *panel, size_t nr,
                    size_t o0, size_t o_end, const struct cnn_direct_epilogue *epi,
                    float *dst) {
  const int relu = epi && epi->relu;
  for (size_t o = o0; o < o_end;) {
    const size_t i = o / g->ld, j = o % g->ld;
    const size_t row_end = (i + 1) * g->ld < o_end ? (i + 1) * g->ld : o_end;
    if (j < (size_t)g->out_w) {
      const size_t count = (row_end - o < (size_t)g->out_w - j ? row_end - o
                                                                : (size_t)g->out_w - j);
      float *out = dst + (size_t)(g->y0 + (int)i * g->sy) * g->dst_w + g->x0 + j * g->sx;
      for (int ch = 0; ch < g->m; ch++)
        cnn_direct_epilogue_row(panel + (size_t)ch * nr + (o - o0), count,
                      out + (size_t)ch * g->dst_plane, g->sx,
                      epi && epi->bias ? epi->bias + ch : NULL, relu);
    }
    o = row_end;
  }
}

void cnn_direct_gemm_run_tile(const struct cnn_kernels *k,
                              const struct cnn_direct_gemm *g, const float *x,
                              size_t o0, float *panel,
                              const struct cnn_direct_epilogue *epi, float *dst) {
  const size_t mr = (size_t)k->conv_direct_mr, nr = (size_t)k->conv_direct_nr;
  const size_t n = (size_t)g->out_h * g->ld;
  const size_t cols = n - o0 < nr ? n - o0 : nr; /* the last tile is partial */
  if (g->kd == 0) memset(panel, 0, sizeof(float) * cnn_direct_gemm_panel_len(k, g->m));
  const size_t blocks = ((size_t)g->kd + KC - 1) / KC;
  const size_t block = blocks ? ((size_t)g->kd + blocks - 1) / blocks : 0;
  for (size_t p0 = 0; p0 < (size_t)g->kd; p0 += block) {
    const size_t kc = (size_t)g->kd - p0 < block ? (size_t)g->kd - p0 : block;
    for (size_t m0 = 0; m0 < (size_t)g->m; m0 += mr) {
      const size_t rows_here = (size_t)g->m - m0 < mr ? (size_t)g->m - m0 : mr;
      k->conv_direct(rows_here, cols, kc, g->a + m0 * g->kd + p0 * mr, x, g->rows + p0,
                     panel + m0 * nr, nr, p0 > 0);
    }
  }
  scatter(g, panel, nr, o0, o0 + nr < n ? o0 + nr : n, epi, dst);
}
