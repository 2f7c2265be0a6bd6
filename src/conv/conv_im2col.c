#include "conv/conv_im2col.h"

#include <string.h>

#include "gemm/gemm.h"
#include "runtime/context.h"
#include "runtime/parallel.h"

/* Per-thread buffers start on 64-byte boundaries. */
#define FLOATS_PER_LINE 16

static size_t round_to_line(size_t floats) {
  return (floats + FLOATS_PER_LINE - 1) / FLOATS_PER_LINE * FLOATS_PER_LINE;
}

/* A 1x1 filter at stride 1 without padding: the image is its own column
 * matrix. */
static int is_pointwise(const struct cnn_conv_problem *p) {
  return p->r == 1 && p->s == 1 && p->stride_h == 1 && p->stride_w == 1 &&
         p->pad_h == 0 && p->pad_w == 0;
}

/* Threads across the batch when there are at least as many images as
 * threads; otherwise the images run one after another and each GEMM spreads
 * over all the threads itself. */
static int batch_threads(const cnn_context *ctx, const struct cnn_conv_problem *p) {
  return cnn_team_size(p->n >= ctx->num_threads ? ctx->num_threads : 1);
}

/* The forward and backward-weights passes build the column matrix in bands
 * of output rows of about this many bytes, so that it stays in cache
 * between im2col and the GEMM instead of making a round trip to memory;
 * a band keeps at least MIN_BAND_COLUMNS columns, enough for the GEMM's
 * blocking to run at speed. */
#define COL_BAND_BYTES (1u << 20)
#define MIN_BAND_COLUMNS 512

struct geometry {
  size_t crs;       /* rows of the column matrix, columns of a filter */
  size_t plane;     /* output pixels per image */
  size_t in_image;  /* floats of one input image */
  size_t out_image; /* floats of one output image */
  int band;         /* output rows per band of the column matrix */
  size_t col;       /* floats of one thread's column buffer (0: pointwise) */
};

static struct geometry geometry_of(const struct cnn_conv_problem *p, int banded) {
  struct geometry g;
  g.crs = (size_t)p->c * p->r * p->s;
  g.plane = (size_t)p->oh * p->ow;
  g.in_image = (size_t)p->c * p->h * p->w;
  g.out_image = (size_t)p->k * g.plane;
  const size_t row_bytes = g.crs * p->ow * sizeof(float);
  g.band = p->oh;
  if (banded && row_bytes * p->oh > COL_BAND_BYTES) {
    const int by_bytes = (int)(COL_BAND_BYTES / row_bytes);
    const int by_columns = (MIN_BAND_COLUMNS + p->ow - 1) / p->ow;
    g.band = by_bytes > by_columns ? by_bytes : by_columns;
    if (g.band > p->oh) g.band = p->oh;
  }
  g.col = is_pointwise(p) ? 0 : round_to_line(g.crs * g.band * p->ow);
  return g;
}

/* The problem of output rows [first, first + rows) alone: the same image
 * and filters, its top padding shifted so that im2col reads the band's
 * input rows (a negative padding skips rows). */
static struct cnn_conv_problem band_problem(const struct cnn_conv_problem *p, int first,
                                            int rows) {
  struct cnn_conv_problem band = *p;
  band.oh = rows;
  band.pad_h = p->pad_h - first * p->stride_h;
  return band;
}

/* threads * per_thread floats of the context's scratch (NULL for none). */
static cnn_status thread_buffers(cnn_context *ctx, int threads, size_t per_thread,
                                 float **buffers) {
  *buffers = NULL;
  if (per_thread == 0) return CNN_STATUS_OK;
  *buffers = cnn_context_scratch(ctx, (size_t)threads * per_thread * sizeof(float));
  return *buffers ? CNN_STATUS_OK : CNN_STATUS_OUT_OF_MEMORY;
}

cnn_status cnn_conv_im2col_forward(cnn_context *ctx, const struct cnn_conv_problem *p,
                                   const float *x, const float *w, const float *bias,
                                   float *y) {
  const struct geometry g = geometry_of(p, 1);
  const int threads = batch_threads(ctx, p);
  float *cols;
  cnn_status st = thread_buffers(ctx, threads, g.col, &cols);
  if (st != CNN_STATUS_OK) return st;
  CNN_OMP(parallel num_threads(threads) if (threads > 1)) {
    float *col = cols ? cols + (size_t)cnn_thread_index() * g.col : NULL;
    CNN_OMP(for schedule(static))
    for (int i = 0; i < p->n; i++) {
      const float *image = x + (size_t)i * g.in_image;
      float *out = y + (size_t)i * g.out_image;
      for (int first = 0; first < p->oh; first += g.band) {
        const int rows = p->oh - first < g.band ? p->oh - first : g.band;
        const size_t cols_here = (size_t)rows * p->ow, at = (size_t)first * p->ow;
        const struct cnn_conv_problem band = band_problem(p, first, rows);
        if (col) ctx->kernels->im2col(&band, image, col);
        /* The bias enters through the GEMM's accumulation (beta = 1). */
        for (int k = 0; bias && k < p->k; k++)
          for (size_t j = 0; j < cols_here; j++) out[k * g.plane + at + j] = bias[k];
        cnn_sgemm(ctx, 0, 0, (size_t)p->k, cols_here, g.crs, 1.0f, w, g.crs,
                  col ? col : image + at, col ? cols_here : g.plane, bias ? 1.0f : 0.0f,
                  out + at, g.plane);
      }
    }
  }
  return CNN_STATUS_OK;
}

cnn_status cnn_conv_im2col_backward_data(cnn_context *ctx,
                                         const struct cnn_conv_problem *p,
                                         const float *dy, const float *w, float *dx) {
  /* col2im overwrites whole images, so this pass takes the column matrix
   * of an image at once. */
  const struct geometry g = geometry_of(p, 0);
  const int threads = batch_threads(ctx, p);
  float *cols;
  cnn_status st = thread_buffers(ctx, threads, g.col, &cols);
  if (st != CNN_STATUS_OK) return st;
  CNN_OMP(parallel num_threads(threads) if (threads > 1)) {
    float *col = cols ? cols + (size_t)cnn_thread_index() * g.col : NULL;
    CNN_OMP(for schedule(static))
    for (int i = 0; i < p->n; i++) {
      float *image_grad = dx + (size_t)i * g.in_image;
      /* col = w^T dy_i, then every column entry goes back to its pixel. */
      cnn_sgemm(ctx, 1, 0, g.crs, g.plane, (size_t)p->k, 1.0f, w, g.crs,
                dy + (size_t)i * g.out_image, g.plane, 0.0f,
                col ? col : image_grad, g.plane);
      if (col) ctx->kernels->col2im(p, col, image_grad);
    }
  }
  return CNN_STATUS_OK;
}

/* Each thread sums its images into its own partial dw (and dbias); the
 * partials are then added in thread order, so a given thread count gives
 * the same bits on every run. With one thread the partial is dw itself. */
cnn_status cnn_conv_im2col_backward_weights(cnn_context *ctx,
                                            const struct cnn_conv_problem *p,
                                            const float *x, const float *dy,
                                            float *dw, float *dbias) {
  const struct geometry g = geometry_of(p, 1);
  const int threads = batch_threads(ctx, p);
  const size_t dw_count = (size_t)p->k * g.crs;
  const size_t partial = threads > 1 ? round_to_line(dw_count + (size_t)p->k) : 0;
  const size_t per_thread = g.col + partial;
  float *buffers;
  cnn_status st = thread_buffers(ctx, threads, per_thread, &buffers);
  if (st != CNN_STATUS_OK) return st;
  CNN_OMP(parallel num_threads(threads) if (threads > 1)) {
    float *mine = buffers ? buffers + (size_t)cnn_thread_index() * per_thread : NULL;
    float *col = g.col ? mine : NULL;
    float *acc_w = partial ? mine + g.col : dw;
    float *acc_b = partial && dbias ? acc_w + dw_count : dbias;
    memset(acc_w, 0, dw_count * sizeof(float));
    if (acc_b) memset(acc_b, 0, (size_t)p->k * sizeof(float));
    CNN_OMP(for schedule(static))
    for (int i = 0; i < p->n; i++) {
      const float *image = x + (size_t)i * g.in_image;
      const float *grad = dy + (size_t)i * g.out_image;
      for (int first = 0; first < p->oh; first += g.band) {
        const int rows = p->oh - first < g.band ? p->oh - first : g.band;
        const size_t cols_here = (size_t)rows * p->ow, at = (size_t)first * p->ow;
        const struct cnn_conv_problem band = band_problem(p, first, rows);
        if (col) ctx->kernels->im2col(&band, image, col);
        /* dw += dy_i col^T, over the band's columns */
        cnn_sgemm(ctx, 0, 1, (size_t)p->k, g.crs, cols_here, 1.0f, grad + at, g.plane,
                  col ? col : image + at, col ? cols_here : g.plane, 1.0f, acc_w, g.crs);
      }
      for (int k = 0; acc_b && k < p->k; k++) {
        float sum = acc_b[k];
        for (size_t j = 0; j < g.plane; j++) sum += grad[k * g.plane + j];
        acc_b[k] = sum;
      }
    }
    if (partial) { /* the implicit barrier of the loop above has passed */
      CNN_OMP(for schedule(static))
      for (size_t j = 0; j < dw_count + (size_t)p->k; j++) {
        if (j >= dw_count && !dbias) continue;
        float sum = buffers[g.col + j];
        for (int t = 1; t < threads; t++) sum += buffers[(size_t)t * per_thread + g.col + j];
        if (j < dw_count) dw[j] = sum;
        else dbias[j - dw_count] = sum;
      }
    }
  }
  return CNN_STATUS_OK;
}
