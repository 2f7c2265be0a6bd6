/* The pooling kernels of every SIMD folder, written once over a small vector
 * interface that the including file defines first:
 *
 *   pool_vec                   one vector of POOL_LANES floats
 *   pool_load(p, n)            lanes i < n from p[i] (reads nothing else;
 *                              the other lanes are undefined)
 *   pool_load_even(p, n)       lanes i < n from p[2i] (reads p[0 .. 2n-2] only)
 *   pool_load_pairs(p, n, &even, &odd)
 *                              lanes i < n of even from p[2i], of odd from
 *                              p[2i+1] (reads p[0 .. 2n-1] only)
 *   pool_store(p, v, n)        p[i] = v[i] for i < n (writes nothing else)
 *   pool_splat(f), pool_add(a, b), pool_mul(a, b)
 *   pool_max_first(v, acc)     v > acc ? v : acc, lane by lane (ties and NaN
 *                              keep acc, as the scalar fold does)
 *   pool_flags                 one flag per lane (a vector or a mask register)
 *   pool_no_flags()            no flag set
 *   pool_flag_nan(f, a, b)     f, plus the lanes where a or b is NaN
 *   pool_nan_where(f, v)       NAN (math.h) in the flagged lanes, v elsewhere
 *   pool_argmax_step(v, tap, &acc, &best)
 *                              where v > acc: acc = v and best = tap
 *   pool_pick(best, tap, v)    best == tap ? v : +0, lane by lane
 *   pool_positive_one(v)       v > 0 ? 1 : +0, lane by lane (NaN gives +0)
 *   pool_store_pairs(p, a, b, count)
 *                              p[2i] = a[i], p[2i+1] = b[i], the first count
 *                              floats of that (writes nothing else)
 *
 * Max forward folds the window with pool_max_first, which keeps NaN only
 * as the first pixel (maxps's rule, one instruction), and flags the lanes
 * that met a NaN on the way, which then give NAN: an unordered compare and
 * an OR per pair of pixels, where a NaN-exact fold would cost a compare
 * and a blend per pixel.
 *
 * Layout of the work: output row by output row; the columns whose windows
 * lie inside the row horizontally (and, for stride 1 or 2, can be loaded as
 * vectors) run POOL_LANES at a time, the others through the scalar window
 * helpers. Each output folds its window in the scalar kernels' row-major
 * order, and the backward passes add into dx in the scalar kernels' order
 * (outputs in row-major order for each pixel), so every result is bit-equal
 * to the scalar twin, ties, signed zeros and NaN included. */
#ifndef CNN_KERNELS_F32_POOL_SIMD_H
#define CNN_KERNELS_F32_POOL_SIMD_H

#include <string.h>

#include "kernels/scalar/f32_pool_window.h"
#include "kernels/ukernels.h"

/* The rows of output row oy's windows that lie inside the plane. */
struct pool_rows {
  int first, end;
};

static inline struct pool_rows pool_rows_of(const struct cnn_pool_problem *p, int oy) {
  const int y0 = oy * p->stride_h - p->pad_h;
  struct pool_rows r = {y0 < 0 ? 0 : y0, y0 + p->window_h};
  if (r.end > p->h) r.end = p->h;
  return r;
}

/* Output columns [*lo, *hi) run as vectors: their windows are inside the
 * row, and the stride is 1 or 2 (the strides the loads support). */
static inline void pool_vector_columns(const struct cnn_pool_problem *p, int *lo,
                                       int *hi) {
  const int sw = p->stride_w;
  *lo = *hi = p->ow;
  if (sw > 2 || p->w + p->pad_w < p->window_w) return;
  *lo = (p->pad_w + sw - 1) / sw;
  *hi = (p->w - p->window_w + p->pad_w) / sw + 1;
  if (*hi > p->ow) *hi = p->ow;
  if (*hi < *lo) *lo = *hi = p->ow;
}

/* Lanes i < n of tap s of the windows of columns ox0.. in input row `row`. */
static inline pool_vec pool_tap(const struct cnn_pool_problem *p, const float *row,
                                int ox0, int s, int n) {
  const float *at = row + ox0 * p->stride_w - p->pad_w + s;
  return p->stride_w == 1 ? pool_load(at, n) : pool_load_even(at, n);
}

static inline int pool_min(int a, int b) { return a < b ? a : b; }

/* Windows two columns wide at stride 2 (the common 2x2 pooling) load both
 * columns of a window row in one pass over the row. */
static inline int pool_pairs(const struct cnn_pool_problem *p) {
  return p->stride_w == 2 && p->window_w == 2;
}

static inline void pool_row_pair(const struct cnn_pool_problem *p, const float *row,
                                 int ox0, int n, pool_vec *even, pool_vec *odd) {
  pool_load_pairs(row + 2 * ox0 - p->pad_w, n, even, odd);
}

/* The largest value of each window, the first of equals (the scalar fold),
 * or NAN where the window holds a NaN. */
static inline pool_vec pool_window_max(const struct cnn_pool_problem *p, const float *x,
                                       struct pool_rows rows, int ox0, int n) {
  pool_vec acc, next;
  pool_flags nan = pool_no_flags();
  if (pool_pairs(p)) {
    pool_row_pair(p, x + (size_t)rows.first * p->w, ox0, n, &acc, &next);
    nan = pool_flag_nan(nan, acc, next);
    acc = pool_max_first(next, acc);
    for (int iy = rows.first + 1; iy < rows.end; iy++) {
      pool_vec even;
      pool_row_pair(p, x + (size_t)iy * p->w, ox0, n, &even, &next);
      nan = pool_flag_nan(nan, even, next);
      acc = pool_max_first(next, pool_max_first(even, acc));
    }
    return pool_nan_where(nan, acc);
  }
  acc = pool_tap(p, x + (size_t)rows.first * p->w, ox0, 0, n);
  nan = pool_flag_nan(nan, acc, acc);
  for (int iy = rows.first; iy < rows.end; iy++)
    for (int s = iy == rows.first; s < p->window_w; s++) {
      const pool_vec v = pool_tap(p, x + (size_t)iy * p->w, ox0, s, n);
      nan = pool_flag_nan(nan, v, v);
      acc = pool_max_first(v, acc);
    }
  return pool_nan_where(nan, acc);
}

/* 2x2 windows at stride 2 without padding (the pooling of every MNIST
 * model): each output row reads two whole input rows and every column is a
 * vector lane, so these loops need none of the general ones' clipping. */
static inline int pool_is_2x2(const struct cnn_pool_problem *p) {
  return p->window_h == 2 && p->window_w == 2 && p->stride_h == 2 && p->stride_w == 2 &&
         p->pad_h == 0 && p->pad_w == 0;
}

static inline void pool_max_fwd_2x2(const struct cnn_pool_problem *p, const float *x,
                                    float *y) {
  for (int oy = 0; oy < p->oh; oy++) {
    const float *top = x + (size_t)2 * oy * p->w, *bottom = top + p->w;
    float *out = y + (size_t)oy * p->ow;
    for (int ox0 = 0; ox0 < p->ow; ox0 += POOL_LANES) {
      const int n = pool_min(POOL_LANES, p->ow - ox0);
      pool_vec even, odd, acc;
      pool_load_pairs(top + 2 * ox0, n, &even, &odd);
      pool_flags nan = pool_flag_nan(pool_no_flags(), even, odd);
      acc = pool_max_first(odd, even);
      pool_load_pairs(bottom + 2 * ox0, n, &even, &odd);
      nan = pool_flag_nan(nan, even, odd);
      pool_store(out + ox0, pool_nan_where(nan, pool_max_first(odd, pool_max_first(even, acc))),
                 n);
    }
  }
}

static inline void pool_simd_max_fwd(const struct cnn_pool_problem *p, const float *x,
                                     float *y) {
  if (pool_is_2x2(p)) {
    pool_max_fwd_2x2(p, x, y);
    return;
  }
  int lo, hi;
  pool_vector_columns(p, &lo, &hi);
  for (int oy = 0; oy < p->oh; oy++) {
    const struct pool_rows rows = pool_rows_of(p, oy);
    float *out = y + (size_t)oy * p->ow;
    for (int ox = 0; ox < lo; ox++) out[ox] = cnn_f32_pool_max__scalar(p, x, oy, ox);
    for (int ox0 = lo; ox0 < hi; ox0 += POOL_LANES) {
      const int n = pool_min(POOL_LANES, hi - ox0);
      pool_store(out + ox0, pool_window_max(p, x, rows, ox0, n), n);
    }
    for (int ox = hi; ox < p->ow; ox++) out[ox] = cnn_f32_pool_max__scalar(p, x, oy, ox);
  }
}

/* The first maximum of the windows of columns ox0.. (n lanes) of output row
 * `rows`, as offsets from each window's first real row and column:
 * (row - first) * w + column, exact in a float (the caller checks); *top
 * receives the maximum itself, the bits of x there. */
static inline pool_vec pool_argmax_offsets(const struct cnn_pool_problem *p, const float *x,
                                           struct pool_rows rows, int ox0, int n,
                                           pool_vec *top) {
  pool_vec best = pool_splat(0.0f), acc;
  if (pool_pairs(p)) {
    pool_vec even, odd;
    pool_row_pair(p, x + (size_t)rows.first * p->w, ox0, n, &acc, &odd);
    pool_argmax_step(odd, 1.0f, &acc, &best);
    for (int iy = rows.first + 1; iy < rows.end; iy++) {
      const int row = (iy - rows.first) * p->w;
      pool_row_pair(p, x + (size_t)iy * p->w, ox0, n, &even, &odd);
      pool_argmax_step(even, (float)row, &acc, &best);
      pool_argmax_step(odd, (float)(row + 1), &acc, &best);
    }
    *top = acc;
    return best;
  }
  acc = pool_tap(p, x + (size_t)rows.first * p->w, ox0, 0, n);
  for (int iy = rows.first; iy < rows.end; iy++)
    for (int s = iy == rows.first; s < p->window_w; s++)
      pool_argmax_step(pool_tap(p, x + (size_t)iy * p->w, ox0, s, n),
                       (float)((iy - rows.first) * p->w + s), &acc, &best);
  *top = acc;
  return best;
}

/* Zeroes the pixels of dx that the stores of pool_simd_max_bwd leave
 * alone. Disjoint windows in vector columns only, without padding and
 * without gaps between windows (stride == window), store every pixel they
 * cover, so only the rows below the last window and the columns right of
 * it remain; in any other case the whole plane is zeroed first. */
static inline void pool_zero_uncovered(const struct cnn_pool_problem *p, int stores_all,
                                       float *dx) {
  if (!stores_all) {
    memset(dx, 0, sizeof(float) * (size_t)p->h * p->w);
    return;
  }
  const int rows = p->oh * p->stride_h, cols = (p->ow - 1) * p->stride_w + p->window_w;
  if (cols < p->w)
    for (int iy = 0; iy < rows; iy++)
      memset(dx + (size_t)iy * p->w + cols, 0, sizeof(float) * (size_t)(p->w - cols));
  memset(dx + (size_t)rows * p->w, 0, sizeof(float) * (size_t)(p->h - rows) * p->w);
}

/* Windows that never share a pixel (stride >= window on both axes) give
 * each pixel at most one gradient: the kernel writes dy (as 0 + dy, like
 * the scalar add) or 0 straight into each window's pixels, stride 2 by
 * interleaving its two window columns. Otherwise dy is added at each first
 * maximum lane by lane, in column order. The ReLU gradient (relu_grad)
 * multiplies the written dy where the vector stores write every dx pixel
 * of a window, and is a last pass over the plane otherwise. */
/* The windows' pixels are taps 0 to 3 in the scalar fold's order; dy (as
 * 0 + dy) goes to the first maximum's, times its ReLU gradient with
 * relu_grad, +0 to the others. */
static inline void pool_max_bwd_2x2(const struct cnn_pool_problem *p, const float *x,
                                    const float *dy, float *dx) {
  const pool_vec zero = pool_splat(0.0f);
  for (int oy = 0; oy < p->oh; oy++) {
    const size_t row = (size_t)2 * oy * p->w;
    const float *grad = dy + (size_t)oy * p->ow;
    for (int ox0 = 0; ox0 < p->ow; ox0 += POOL_LANES) {
      const int n = pool_min(POOL_LANES, p->ow - ox0);
      pool_vec acc, tap1, tap2, tap3, best = zero;
      pool_load_pairs(x + row + 2 * ox0, n, &acc, &tap1);
      pool_load_pairs(x + row + p->w + 2 * ox0, n, &tap2, &tap3);
      pool_argmax_step(tap1, 1.0f, &acc, &best);
      pool_argmax_step(tap2, 2.0f, &acc, &best);
      pool_argmax_step(tap3, 3.0f, &acc, &best);
      pool_vec share = pool_add(pool_load(grad + ox0, n), zero);
      if (p->relu_grad) share = pool_mul(share, pool_positive_one(acc));
      pool_store_pairs(dx + row + 2 * ox0, pool_pick(best, 0.0f, share),
                       pool_pick(best, 1.0f, share), 2 * n);
      pool_store_pairs(dx + row + p->w + 2 * ox0, pool_pick(best, 2.0f, share),
                       pool_pick(best, 3.0f, share), 2 * n);
    }
  }
  pool_zero_uncovered(p, 1, dx);
}

static inline void pool_simd_max_bwd(const struct cnn_pool_problem *p, const float *x,
                                     const float *dy, float *dx) {
  if (pool_is_2x2(p)) {
    pool_max_bwd_2x2(p, x, dy, dx);
    return;
  }
  int lo, hi;
  pool_vector_columns(p, &lo, &hi);
  if ((size_t)p->window_h * p->w >= ((size_t)1 << 24)) lo = hi = p->ow;
  const int disjoint = p->stride_h >= p->window_h && p->stride_w >= p->window_w;
  const int vector_only = disjoint && lo == 0 && hi == p->ow;
  const int relu_in_stores = p->relu_grad && vector_only;
  const pool_vec zero = pool_splat(0.0f);
  pool_zero_uncovered(p,
                      vector_only && p->pad_h == 0 && p->pad_w == 0 &&
                          p->stride_h == p->window_h && p->stride_w == p->window_w,
                      dx);
  for (int oy = 0; oy < p->oh; oy++) {
    const struct pool_rows rows = pool_rows_of(p, oy);
    const float *grad = dy + (size_t)oy * p->ow;
    float *window_dx = dx + (size_t)rows.first * p->w - p->pad_w;
    for (int ox = 0; ox < lo; ox++) dx[cnn_f32_pool_argmax__scalar(p, x, oy, ox)] += grad[ox];
    for (int ox0 = lo; ox0 < hi; ox0 += POOL_LANES) {
      const int n = pool_min(POOL_LANES, hi - ox0);
      pool_vec top;
      const pool_vec best = pool_argmax_offsets(p, x, rows, ox0, n, &top);
      if (disjoint) {
        pool_vec share = pool_add(pool_load(grad + ox0, n), zero);
        if (relu_in_stores) share = pool_mul(share, pool_positive_one(top));
        for (int iy = rows.first; iy < rows.end; iy++) {
          const int row = (iy - rows.first) * p->w;
          float *at = window_dx + row + ox0 * p->stride_w;
          const pool_vec first = pool_pick(best, (float)row, share);
          if (p->stride_w == 1) {
            pool_store(at, first, n);
          } else if (p->window_w == 2) {
            pool_store_pairs(at, first, pool_pick(best, (float)(row + 1), share), 2 * n);
          } else {
            pool_store_pairs(at, first, zero, 2 * n - 1);
          }
        }
      } else {
        float offsets[POOL_LANES];
        pool_store(offsets, best, POOL_LANES);
        for (int i = 0; i < n; i++) {
          const int ox = ox0 + i;
          window_dx[ox * p->stride_w + (int)offsets[i]] += grad[ox];
        }
      }
    }
    for (int ox = hi; ox < p->ow; ox++) dx[cnn_f32_pool_argmax__scalar(p, x, oy, ox)] += grad[ox];
  }
  if (p->relu_grad && !relu_in_stores) cnn_f32_pool_relu_grad__scalar((size_t)p->h * p->w, x, dx);
}

static inline void pool_simd_avg_fwd(const struct cnn_pool_problem *p, const float *x,
                                     float *y) {
  const float scale = 1.0f / (float)(p->window_h * p->window_w);
  int lo, hi;
  pool_vector_columns(p, &lo, &hi);
  for (int oy = 0; oy < p->oh; oy++) {
    const struct pool_rows rows = pool_rows_of(p, oy);
    float *out = y + (size_t)oy * p->ow;
    for (int ox = 0; ox < lo; ox++)
      out[ox] = cnn_f32_pool_window_sum__scalar(p, x, oy, ox) * scale;
    for (int ox0 = lo; ox0 < hi; ox0 += POOL_LANES) {
      const int n = pool_min(POOL_LANES, hi - ox0);
      pool_vec sum = pool_splat(0.0f);
      for (int iy = rows.first; iy < rows.end; iy++) {
        if (pool_pairs(p)) {
          pool_vec even, odd;
          pool_row_pair(p, x + (size_t)iy * p->w, ox0, n, &even, &odd);
          sum = pool_add(pool_add(sum, even), odd);
          continue;
        }
        for (int s = 0; s < p->window_w; s++)
          sum = pool_add(sum, pool_tap(p, x + (size_t)iy * p->w, ox0, s, n));
      }
      pool_store(out + ox0, pool_mul(sum, pool_splat(scale)), n);
    }
    for (int ox = hi; ox < p->ow; ox++)
      out[ox] = cnn_f32_pool_window_sum__scalar(p, x, oy, ox) * scale;
  }
}

/* Window columns run from last to first, so that a pixel shared by several
 * windows of one row receives their shares in column order, as in the
 * scalar kernel. Stride 2 adds lane by lane (its pixels are not contiguous). */
static inline void pool_simd_avg_bwd(const struct cnn_pool_problem *p, const float *dy,
                                     float *dx) {
  const float scale = 1.0f / (float)(p->window_h * p->window_w);
  int lo, hi;
  pool_vector_columns(p, &lo, &hi);
  memset(dx, 0, sizeof(float) * (size_t)p->h * p->w);
  for (int oy = 0; oy < p->oh; oy++) {
    const struct pool_rows rows = pool_rows_of(p, oy);
    const float *grad = dy + (size_t)oy * p->ow;
    for (int ox = 0; ox < lo; ox++)
      cnn_f32_pool_window_add__scalar(p, dx, oy, ox, grad[ox] * scale);
    for (int ox0 = lo; ox0 < hi; ox0 += POOL_LANES) {
      const int n = pool_min(POOL_LANES, hi - ox0);
      const pool_vec share = pool_mul(pool_load(grad + ox0, n), pool_splat(scale));
      float shares[POOL_LANES];
      if (p->stride_w != 1) pool_store(shares, share, n);
      for (int iy = rows.first; iy < rows.end; iy++)
        for (int s = p->window_w - 1; s >= 0; s--) {
          float *at = dx + (size_t)iy * p->w + ox0 * p->stride_w - p->pad_w + s;
          if (p->stride_w == 1) {
            pool_store(at, pool_add(pool_load(at, n), share), n);
          } else {
            for (int i = 0; i < n; i++) at[i * p->stride_w] += shares[i];
          }
        }
    }
    for (int ox = hi; ox < p->ow; ox++)
      cnn_f32_pool_window_add__scalar(p, dx, oy, ox, grad[ox] * scale);
  }
}

#endif
