/* The kernel contract: every micro-kernel signature and the dispatch table.
 *
 * A kernel is named cnn_f32_<op>_ukernel_<tile>__<isa>; its reference twin
 * has the same name ending in __scalar and the same signature. Kernels never
 * allocate, start threads or fail: the drivers in src/ validate arguments,
 * kernels only assert their preconditions. Edge tiles: the GEMM kernel always
 * computes its whole MR x NR tile (the driver goes through a temporary tile),
 * while the convolution kernels take the used part (mr <= MR, nr <= NR) of
 * theirs, since their inputs are read in place. All strides are in elements
 * (floats), not bytes. */
#ifndef CNN_UKERNELS_H
#define CNN_UKERNELS_H

#include <stddef.h>
#include <stdint.h>
#include "cnn/runtime.h"

/* ---------------------------------------------------------------- GEMM ---
 * One MR x NR tile of C from packed panels:
 *   C[i*ldc + j] = (accumulate ? C[i*ldc + j] : 0)
 *                  + sum_{p<k} a[p*MR + i] * b[p*NR + j]
 * a: the packed A panel, MR values per k step; b: the packed B panel, NR
 * values per k step; both 64-byte aligned, and a kernel reads exactly k*MR
 * and k*NR values of them (never past the end). k >= 1. C is addressed with
 * the row stride ldc (elements) and needs no alignment.
 * - With accumulate == 0 the kernel never reads C (it may hold NaN).
 * - With accumulate != 0 the finished sum is added to C once, at the end
 *   (C + sum, not C summed into step by step), so a tile the driver computes
 *   into a temporary and adds itself gives the same bits.
 * - MR x NR is the whole tile: partial tiles are the driver's job (it
 *   computes them into an aligned temporary tile and copies the valid part).
 * Every kernel is listed once in kernels/f32_gemm.inc with its tile and its
 * scalar twin (same tile, plain C, products rounded before each add). */
typedef void (*cnn_f32_gemm_ukernel_fn)(size_t k, const float *a, const float *b,
                                        float *c, size_t ldc, int accumulate);

/* Largest tile of any kernel: the driver's temporary edge tile holds this. */
#define CNN_F32_GEMM_MAX_MR 16
#define CNN_F32_GEMM_MAX_NR 32

/* Packing of one operand into panels of `width` lines (MR for A, NR for B):
 * element (t, p) of the operand (line t < count, depth p < k) is read at
 * src[t*line_stride + p*k_stride], multiplied by scale, and written to
 *   dst[(t / width) * k * width + p * width + t % width],
 * lines past count in the last panel are zero, so kernels always see full
 * panels. dst is 64-byte aligned with room for ceil(count/width)*width*k
 * values. A (i, p) packs with width MR; B (p, j) with width NR, its columns
 * being the lines. */
typedef void (*cnn_f32_gemm_pack_fn)(size_t width, size_t count, size_t k,
                                     const float *src, size_t line_stride,
                                     size_t k_stride, float scale, float *dst);

/* Declarations of every kernel, its scalar twin and its packing routine
 * (bit-identical to cnn_f32_gemm_pack__scalar), from the register list. */
#define CNN_F32_GEMM_UKERNEL(isa, name, twin, mr, nr, pack)                    \
  void name(size_t k, const float *a, const float *b, float *c, size_t ldc,   \
            int accumulate);                                                  \
  void twin(size_t k, const float *a, const float *b, float *c, size_t ldc,   \
            int accumulate);                                                  \
  void pack(size_t width, size_t count, size_t k, const float *src,           \
            size_t line_stride, size_t k_stride, float scale, float *dst);
#include "kernels/f32_gemm.inc"
#undef CNN_F32_GEMM_UKERNEL

/* The reference GEMM, the oracle for every faster path:
 *   C = alpha * op(A) * op(B) + beta * C, op(X) = X or X^T,
 * row-major, op(A) is M x K, op(B) is K x N. beta == 0 never reads C. */
void cnn_f32_gemm_ref(int trans_a, int trans_b, size_t m, size_t n, size_t k,
                      float alpha, const float *a, size_t lda, const float *b,
                      size_t ldb, float beta, float *c, size_t ldc);

/* --------------------------------------------------- conv geometry ---
 * One convolution problem, shared by the kernels below and the drivers of
 * src/conv/: input N x C x H x W, filters K x C x R x S, output
 * N x K x OH x OW with OH = (H + 2*pad_h - R) / stride_h + 1 (likewise OW).
 * Zero padding on both sides of each axis. */
struct cnn_conv_problem {
  int n, c, h, w;         /* input */
  int k, r, s;            /* filters */
  int stride_h, stride_w;
  int pad_h, pad_w;
  int oh, ow;             /* output */
};

/* ------------------------------------------------------ im2col/col2im ---
 * Over ONE image (the problem's n is ignored). The column matrix has
 * C*R*S rows and OH*OW columns, row-major:
 *   col[((c*R + r)*S + s) * OH*OW + oy*OW + ox]
 *     = x[(c*H + iy)*W + ix],  iy = oy*stride_h - pad_h + r,
 *                              ix = ox*stride_w - pad_w + s,
 * and 0 where (iy, ix) falls in the padding. col2im is its adjoint: it
 * overwrites x with the sum, over every column entry, of the entry added at
 * the pixel it was read from (padding entries are dropped). */
typedef void (*cnn_f32_im2col_ukernel_fn)(const struct cnn_conv_problem *p,
                                          const float *x, float *col);
typedef void (*cnn_f32_col2im_ukernel_fn)(const struct cnn_conv_problem *p,
                                          const float *col, float *x);
void cnn_f32_im2col_ukernel__scalar(const struct cnn_conv_problem *p,
                                    const float *x, float *col);
void cnn_f32_col2im_ukernel__scalar(const struct cnn_conv_problem *p,
                                    const float *col, float *x);

/* ----------------------------------------------- direct convolution ---
 * The 7-loop references over the whole batch, the oracle for every faster
 * convolution path. NCHW data, KCRS filters; outputs are overwritten.
 *   fwd:          y[n,k,oy,ox] = bias[k] + sum_{c,r,s} x[n,c,iy,ix] * w[k,c,r,s]
 *   bwd_data:     dx[n,c,iy,ix] = sum over the (k,oy,ox,r,s) that read it of
 *                                 dy[n,k,oy,ox] * w[k,c,r,s]
 *   bwd_weights:  dw[k,c,r,s] = sum_{n,oy,ox} dy[n,k,oy,ox] * x[n,c,iy,ix],
 *                 dbias[k] = sum_{n,oy,ox} dy[n,k,oy,ox]
 * with iy = oy*stride_h - pad_h + r, ix = ox*stride_w - pad_w + s; padding
 * reads as 0. bias and dbias may be NULL. */
void cnn_f32_conv_fwd_ref(const struct cnn_conv_problem *p, const float *x,
                          const float *w, const float *bias, float *y);
void cnn_f32_conv_bwd_data_ref(const struct cnn_conv_problem *p, const float *dy,
                               const float *w, float *dx);
void cnn_f32_conv_bwd_weights_ref(const struct cnn_conv_problem *p, const float *x,
                                  const float *dy, float *dw, float *dbias);

/* ------------------------------------------------------------ pooling ---
 * Over ONE plane: x is H x W, y and dy are OH x OW, dx is H x W, all
 * row-major and contiguous. Windows start at oy*stride_h - pad_h (likewise
 * x); pad < window, so every window holds at least one real pixel.
 *   max: y = the largest real pixel of the window (padding is ignored),
 *        or NaN (C's NAN, 0x7fc00000) when the window holds a NaN: a NaN
 *        spreads, as in PyTorch, so a diverging run cannot hide it from
 *        the non-finite check; backward adds dy to the FIRST largest pixel
 *        in row-major order (a pixel is taken when it is greater than the
 *        largest so far, a comparison a NaN never wins: where the forward
 *        output is NaN the step is refused anyway, and the backward pass
 *        keeps its cost).
 *   avg: y = sum of the window's real pixels / (window_h * window_w)
 *        (padding counts as zeros); backward spreads dy / (window_h*window_w)
 *        over the real pixels.
 * Backward kernels overwrite dx.
 * relu_grad (max backward only): x is the output of a ReLU, and dx is the
 * gradient of that ReLU's input: the max backward result times
 * (x > 0 ? 1 : 0) pixel by pixel, the product of the ReLU backward kernel,
 * so the two passes fused give the bits of the two apart. */
struct cnn_pool_problem {
  int h, w;               /* input plane */
  int window_h, window_w;
  int stride_h, stride_w;
  int pad_h, pad_w;
  int oh, ow;             /* output plane */
  int relu_grad;
};

typedef void (*cnn_f32_pool_fwd_ukernel_fn)(const struct cnn_pool_problem *p,
                                            const float *x, float *y);
/* x is only read by max pooling (avg receives it too, and ignores it). */
typedef void (*cnn_f32_pool_bwd_ukernel_fn)(const struct cnn_pool_problem *p,
                                            const float *x, const float *dy,
                                            float *dx);
void cnn_f32_maxpool_ukernel__scalar(const struct cnn_pool_problem *p,
                                     const float *x, float *y);
void cnn_f32_maxpool_bwd_ukernel__scalar(const struct cnn_pool_problem *p,
                                         const float *x, const float *dy,
                                         float *dx);
void cnn_f32_avgpool_ukernel__scalar(const struct cnn_pool_problem *p,
                                     const float *x, float *y);
void cnn_f32_avgpool_bwd_ukernel__scalar(const struct cnn_pool_problem *p,
                                         const float *x, const float *dy,
                                         float *dx);

/* The SIMD pooling kernels, from their register list. They give the same
 * bits as their scalar twins (same order of every fold and every add). */
#define CNN_F32_POOL_UKERNELS(isa, max_fwd, max_bwd, avg_fwd, avg_bwd)          \
  void max_fwd(const struct cnn_pool_problem *p, const float *x, float *y);      \
  void max_bwd(const struct cnn_pool_problem *p, const float *x, const float *dy, \
               float *dx);                                                       \
  void avg_fwd(const struct cnn_pool_problem *p, const float *x, float *y);      \
  void avg_bwd(const struct cnn_pool_problem *p, const float *x, const float *dy, \
               float *dx);
#include "kernels/f32_pool.inc"
#undef CNN_F32_POOL_UKERNELS
/* The unrolled tile bodies of the SIMD kernels do pointer arithmetic at
 * every step; UBSan's pointer-overflow check on each makes the sanitizer
 * build of one kernel file take minutes. ASan still checks every access. */
#if defined(__clang__)
#define CNN_NO_POINTER_OVERFLOW_CHECK __attribute__((no_sanitize("pointer-overflow")))
#else
#define CNN_NO_POINTER_OVERFLOW_CHECK
#endif

/* ------------------------------------------------ direct convolution ---
 * The direct path (src/conv/conv_direct.c) computes a convolution as a GEMM
 * whose B operand is never packed: the driver lays the image out once as
 * "source planes" (padded, and split into stride phases) such that every
 * step p of the reduction (one channel and filter tap) reads NR consecutive
 * floats at x + rows[p] + j for NR consecutive output positions j of a
 * flattened output row. Kernels may read up to NR floats from x + rows[p];
 * the driver keeps that inside its buffers.
 *
 * conv_direct: one MR x NR tile of output channels x positions,
 *   C[i*ldc + j] = (accumulate ? C[i*ldc + j] : 0)
 *                  + sum_{p<kd} a[p*MR + i] * x[rows[p] + j]
 * for i < mr (1 <= mr <= MR) and j < nr (1 <= nr <= NR). a: the packed
 * filter panel, MR values per step (rows past mr are never read); kd >= 1.
 * Kernels compute whole vectors: columns nr..round_up(nr, vector width)-1
 * of C (never past NR) may be written too, and with accumulate read. With
 * accumulate == 0 C is never read. Forward and backward-data run on it. */
typedef void (*cnn_f32_conv_direct_ukernel_fn)(size_t mr, size_t nr, size_t kd,
                                               const float *a, const float *x,
                                               const int32_t *rows, float *c, size_t ldc,
                                               int accumulate);

/* conv_direct_k: the same sums as conv_direct, vectorised over output
 * channels instead of positions, for outputs too narrow to fill position
 * vectors:
 *   C[i*ldc + j] = (accumulate ? C[i*ldc + j] : 0)
 *                  + sum_{p<kd} a[p*MR + i] * x[rows[p] + j]
 * for i < mr (1 <= mr <= MR) and j < nr (1 <= nr <= NR); nothing else of C
 * is written. a holds MR values per step, zero past the real channels.
 * The kernels transpose their tile on the way out; they read x[rows[p] + j]
 * for j < nr only. */
typedef void (*cnn_f32_conv_direct_k_ukernel_fn)(size_t mr, size_t nr, size_t kd,
                                                 const float *a, const float *x,
                                                 const int32_t *rows, float *c,
                                                 size_t ldc, int accumulate);

/* conv_direct_rows: the forward sums of conv_direct over NV slots of up
 * to VL consecutive output positions each, anywhere in the output (a slot
 * never crosses an output row), with the bias and the ReLU applied and
 * every slot stored straight into the NCHW output:
 *   y[i*ldy + slots[v].y + l] = f(bias[i] + sum_{p<kd} a[p*MR + i]
 *                                            * x[rows[p] + slots[v].x + l])
 * for i < mr (1 <= mr <= MR), v < nv (1 <= nv <= NV), l < slots[v].n
 * (1 <= n <= VL); f is cnn_f32_relu when relu (NaN stays), bias may be
 * NULL (no add). a: the packed filter panel of conv_direct, MR values per
 * step; kd >= 1. Nothing else of y is written. Kernels read whole vectors:
 * x[rows[p] + slots[v].x + l] for every l < VL, which the driver keeps
 * inside its buffers. So lanes are only lost at the end of an output row
 * (ow rounded up to VL), wherever the row ends in a vector. */
struct cnn_conv_direct_rows_slot {
  int32_t x, y, n; /* source offset, output offset, lanes used */
};
/* The most conv_direct_rows tiles one ISA registers. */
#define CNN_CONV_DIRECT_ROWS_VARIANTS 2
typedef void (*cnn_f32_conv_direct_rows_ukernel_fn)(
    size_t mr, size_t nv, size_t kd, const float *a, const float *x, const int32_t *rows,
    const struct cnn_conv_direct_rows_slot *slots, const float *bias, int relu, float *y,
    size_t ldy);

/* conv_wgrad_kv: the weight gradient with LANES filters in the vector
 * lanes, for one tile of filter taps: nrow rows of the source (offsets
 * rows[q]) and ns consecutive taps s along each. dy is channels-last (the
 * filters of one position consecutive), so no horizontal sum is needed and
 * only real output positions are visited:
 *   C[q*c_row + s*c_tap + i] = (accumulate ? C[...] : 0)
 *     + sum_{b<batch} sum_{oy<oh} sum_{ox<ow}
 *           dy[b*dy_batch + (oy*ow + ox)*ld_pos + i]
 *         * x[b*x_batch + rows[q] + oy*x_row + ox*x_step + s]
 * for i < LANES, q < nrow, s < ns, with 1 <= nrow <= CNN_WGRAD_KV_MAX_ROWS,
 * 1 <= ns <= CNN_WGRAD_KV_MAX_NS and nrow*ns <= the row's max_taps (the
 * tile the registers hold). batch, oh, ow >= 1. C needs no alignment.
 * bias: NULL, or the bias gradient of the same filters on the way (dy
 * summed in each lane, in the same order):
 *   bias[i] = (accumulate ? bias[i] : 0) + sum_{b,oy,ox} dy[...].  */
enum { CNN_WGRAD_KV_MAX_ROWS = 5, CNN_WGRAD_KV_MAX_NS = 5 };
struct cnn_conv_wgrad_kv_geometry {
  size_t batch, oh, ow;
  size_t ld_pos, dy_batch;       /* dy: per position, per image */
  size_t x_batch, x_row, x_step; /* x: per image, per output row and column */
  size_t c_row, c_tap;           /* C: per tile row q, per tap s */
};
typedef void (*cnn_f32_conv_wgrad_kv_ukernel_fn)(const struct cnn_conv_wgrad_kv_geometry *g,
                                                 const float *dy, const float *x,
                                                 const int32_t *rows, size_t nrow, size_t ns,
                                                 float *c, float *bias, int accumulate);
/* conv_wgrad_kv_pack: dy of one image, channel-major, into the
 * channels-last layout above:
 *   dst[o*ld_pos + i] = i < k ? src[i*plane + o] : 0   for o < positions, i < ld_pos,
 * ld_pos a multiple of 8. Every pack gives the scalar one's bits. */
typedef void (*cnn_f32_conv_wgrad_kv_pack_fn)(size_t k, size_t positions, const float *src,
                                              size_t plane, size_t ld_pos, float *dst);
void cnn_f32_conv_wgrad_kv_pack__scalar(size_t k, size_t positions, const float *src,
                                        size_t plane, size_t ld_pos, float *dst);

/* The most conv_wgrad_kv kernels one ISA registers. */
#define CNN_CONV_WGRAD_KV_VARIANTS 4

/* conv_dgrad_cv: backward-data of a stride-1 convolution with LANES input
 * channels in the vector lanes, for nj consecutive dx positions of one row
 * (a correlation of the zero-padded dy with the flipped filters):
 *   C[c*ldc + j] = sum_{t<steps} sum_{s<S} a[(t*S + s)*LANES + c] * x[rows[t] + j + s]
 * for c < nc <= LANES and j < nj <= JMAX; 1 <= S <= CNN_DGRAD_CV_MAX_S,
 * steps >= 1. C is overwritten (never read). Each x value is broadcast once
 * and multiplies the S filter vectors of its taps. x[rows[t] + u] must be
 * zero for u outside [u_lo, u_hi) (the padding left and right of dy):
 * kernels skip those values. Kernels compute nj rounded up to even, so they
 * may read x up to rows[t] + nj + S - 1. */
enum { CNN_DGRAD_CV_MAX_S = 5 };
typedef void (*cnn_f32_conv_dgrad_cv_ukernel_fn)(size_t nc, size_t nj, size_t steps, size_t s,
                                                 size_t u_lo, size_t u_hi,
                                                 const float *a, const float *x,
                                                 const int32_t *rows, float *c, size_t ldc);
/* The most conv_dgrad_cv kernels one ISA registers. */
#define CNN_CONV_DGRAD_CV_VARIANTS 4

/* conv_dgrad_kv: backward-data of a stride-1 convolution with the filters
 * in the vector lanes, for nc input channels x nj consecutive dx positions
 * of one row. dy is channels-last (the kl filters of one position
 * consecutive, zero past the real ones) and the filters flipped, so that
 *   C[ch*ldc + j] = sum_{r<nr} sum_{s<ns} sum_{k<kl}
 *                     x[r*x_row + (j + s)*kl + k] * a[ch*a_c + r*a_row + s*kl + k]
 * for ch < nc <= MC, j < nj <= NJ; nr, ns >= 1; kl a multiple of the
 * kernel's LANES. The driver passes only the filter rows and taps that
 * reach real dy pixels, so no product multiplies padding. C is overwritten
 * (never read) and nothing else of it is written. */
struct cnn_conv_dgrad_kv_geometry {
  size_t kl;    /* floats per dy position and per filter tap */
  size_t x_row; /* dy: floats per row */
  size_t a_row; /* filters: floats per filter row (S*kl) */
  size_t a_c;   /* filters: floats per input channel (R*S*kl) */
};
typedef void (*cnn_f32_conv_dgrad_kv_ukernel_fn)(const struct cnn_conv_dgrad_kv_geometry *g,
                                                 size_t nc, size_t nj, size_t nr, size_t ns,
                                                 const float *a, const float *x, float *c,
                                                 size_t ldc);

/* Declarations of every kernel and its scalar twin, from the register lists
 * kernels/f32_conv_direct.inc, kernels/f32_conv_direct_k.inc,
 * kernels/f32_conv_direct_rows.inc, kernels/f32_conv_wgrad_kv.inc,
 * kernels/f32_conv_dgrad_cv.inc and kernels/f32_conv_dgrad_kv.inc. */
#define CNN_F32_CONV_DIRECT_UKERNEL(isa, name, twin, mr, nr)                   \
  void name(size_t mr_, size_t nr_, size_t kd, const float *a, const float *x, \
            const int32_t *rows, float *c, size_t ldc, int accumulate);        \
  void twin(size_t mr_, size_t nr_, size_t kd, const float *a, const float *x, \
            const int32_t *rows, float *c, size_t ldc, int accumulate);
#include "kernels/f32_conv_direct.inc"
#undef CNN_F32_CONV_DIRECT_UKERNEL
#define CNN_F32_CONV_DIRECT_K_UKERNEL(isa, name, twin, mr, nr, vl)                 \
  void name(size_t mr_, size_t nr_, size_t kd, const float *a, const float *x, \
            const int32_t *rows, float *c, size_t ldc, int accumulate);        \
  void twin(size_t mr_, size_t nr_, size_t kd, const float *a, const float *x, \
            const int32_t *rows, float *c, size_t ldc, int accumulate);
#include "kernels/f32_conv_direct_k.inc"
#undef CNN_F32_CONV_DIRECT_K_UKERNEL
#define CNN_F32_CONV_DIRECT_ROWS_UKERNEL(isa, name, twin, mr, nv, vl)                \
  void name(size_t mr_, size_t nv_, size_t kd, const float *a, const float *x,       \
            const int32_t *rows, const struct cnn_conv_direct_rows_slot *slots,      \
            const float *bias, int relu, float *y, size_t ldy);                      \
  void twin(size_t mr_, size_t nv_, size_t kd, const float *a, const float *x,       \
            const int32_t *rows, const struct cnn_conv_direct_rows_slot *slots,      \
            const float *bias, int relu, float *y, size_t ldy);
#include "kernels/f32_conv_direct_rows.inc"
#undef CNN_F32_CONV_DIRECT_ROWS_UKERNEL
#define CNN_F32_CONV_WGRAD_KV_UKERNEL(isa, name, twin, lanes, max_taps, pack)  \
  void name(const struct cnn_conv_wgrad_kv_geometry *g, const float *dy,       \
            const float *x, const int32_t *rows, size_t nrow, size_t ns, float *c, \
            float *bias, int accumulate);                                      \
  void twin(const struct cnn_conv_wgrad_kv_geometry *g, const float *dy,       \
            const float *x, const int32_t *rows, size_t nrow, size_t ns, float *c, \
            float *bias, int accumulate);                                      \
  void pack(size_t k, size_t positions, const float *src, size_t plane, size_t ld_pos, \
            float *dst);
#include "kernels/f32_conv_wgrad_kv.inc"
#undef CNN_F32_CONV_WGRAD_KV_UKERNEL
#define CNN_F32_CONV_DGRAD_CV_UKERNEL(isa, name, twin, lanes, jmax)                  \
  void name(size_t nc, size_t nj, size_t steps, size_t s, size_t u_lo, size_t u_hi,      \
            const float *a, const float *x, const int32_t *rows, float *c, size_t ldc);  \
  void twin(size_t nc, size_t nj, size_t steps, size_t s, size_t u_lo, size_t u_hi,      \
            const float *a, const float *x, const int32_t *rows, float *c, size_t ldc);
#include "kernels/f32_conv_dgrad_cv.inc"
#undef CNN_F32_CONV_DGRAD_CV_UKERNEL
#define CNN_F32_CONV_DGRAD_KV_UKERNEL(isa, name, twin, lanes, mc, nj)                 \
  void name(const struct cnn_conv_dgrad_kv_geometry *g, size_t nc, size_t nj_, size_t nr, \
            size_t ns, const float *a, const float *x, float *c, size_t ldc);            \
  void twin(const struct cnn_conv_dgrad_kv_geometry *g, size_t nc, size_t nj_, size_t nr, \
            size_t ns, const float *a, const float *x, float *c, size_t ldc);
#include "kernels/f32_conv_dgrad_kv.inc"
#undef CNN_F32_CONV_DGRAD_KV_UKERNEL

/* --------------------------------------------------------------- ReLU ---
 * relu(x) = x < 0 ? +0 : x, the one definition every ReLU of cnn follows
 * (these kernels, the convolutions' fused epilogues, the reference paths).
 * A NaN stays NaN, as in PyTorch, so a run that diverges cannot hide its
 * NaNs from the non-finite check behind the ReLU; -0 stays -0. x86's
 * maxps(0, x) computes exactly this in one instruction: it returns its
 * second operand unless the first is greater, so NaN and ties give x. */
static inline float cnn_f32_relu(float x) { return x < 0.0f ? 0.0f : x; }

/* Over n contiguous values (any n >= 0, no alignment):
 *   forward:  y = relu(x)                    (y may be x)
 *   backward: dx = dy * (y > 0 ? 1 : 0)      (dx may be dy)
 * SIMD kernels give the same bits as the twins (NaN and -0 included). */
typedef void (*cnn_f32_relu_ukernel_fn)(size_t n, const float *x, float *y);
typedef void (*cnn_f32_relu_bwd_ukernel_fn)(size_t n, const float *y, const float *dy,
                                            float *dx);
void cnn_f32_relu_ukernel__scalar(size_t n, const float *x, float *y);
void cnn_f32_relu_bwd_ukernel__scalar(size_t n, const float *y, const float *dy,
                                      float *dx);
#define CNN_F32_RELU_UKERNELS(isa, fwd, bwd)          \
  void fwd(size_t n, const float *x, float *y);       \
  void bwd(size_t n, const float *y, const float *dy, float *dx);
#include "kernels/f32_relu.inc"
#undef CNN_F32_RELU_UKERNELS

/* ------------------------------------------------------ Adam update ---
 * One Adam step over n parameters (any n >= 0, no alignment), in this order
 * of operations, each rounded (no fused multiply-add):
 *   grad = g + decay*w
 *   m = beta1*m + one_minus_beta1*grad
 *   v = beta2*v + (one_minus_beta2*grad)*grad
 *   w = w - (lr * (m/correct1)) / (sqrt(v/correct2) + eps)
 * so every kernel gives the twin's bits. correct1/2 are Adam's bias
 * corrections 1 - beta^t. */
struct cnn_adam_params {
  float lr, beta1, beta2, one_minus_beta1, one_minus_beta2, correct1, correct2, eps, decay;
};
typedef void (*cnn_f32_adam_ukernel_fn)(size_t n, float *w, const float *g, float *m,
                                        float *v, const struct cnn_adam_params *p);
void cnn_f32_adam_ukernel__scalar(size_t n, float *w, const float *g, float *m, float *v,
                                  const struct cnn_adam_params *p);
#define CNN_F32_ADAM_UKERNEL(isa, name)                                  \
  void name(size_t n, float *w, const float *g, float *m, float *v, \
            const struct cnn_adam_params *p);
#include "kernels/f32_adam.inc"
#undef CNN_F32_ADAM_UKERNEL

/* ---------------------------------------------------------- the table ---
 * Every slot is filled with its scalar kernel first, then overridden by the
 * ISA's own kernels, so no slot is ever NULL. */
struct cnn_kernels {
  cnn_isa isa;
  int gemm_mr, gemm_nr;
  cnn_f32_gemm_ukernel_fn gemm;
  cnn_f32_gemm_pack_fn gemm_pack_a, gemm_pack_b;
  const char *gemm_name;
  /* A kernel of the same NR and fewer rows, for problems it pads less (the
   * main kernel again when the ISA has none). */
  int gemm_short_mr;
  cnn_f32_gemm_ukernel_fn gemm_short;
  const char *gemm_short_name;
  int conv_direct_mr, conv_direct_nr;
  cnn_f32_conv_direct_ukernel_fn conv_direct;
  const char *conv_direct_name;
  int conv_direct_k_mr, conv_direct_k_nr, conv_direct_k_vl;
  cnn_f32_conv_direct_k_ukernel_fn conv_direct_k;
  const char *conv_direct_k_name;
  /* Row-slot tiles in register-list order (the main one first), all of
   * VL = conv_direct_rows_vl lanes per slot. */
  struct cnn_conv_direct_rows_variant {
    int mr, nv;
    cnn_f32_conv_direct_rows_ukernel_fn fn;
    const char *name;
  } conv_direct_rows[CNN_CONV_DIRECT_ROWS_VARIANTS];
  int conv_direct_rows_count, conv_direct_rows_vl;
  /* Filter-vector weight-gradient kernels (lanes ascending), and the pack
   * of dy they read. */
  struct cnn_conv_wgrad_kv_variant {
    int lanes, max_taps;
    cnn_f32_conv_wgrad_kv_ukernel_fn fn;
    const char *name;
  } conv_wgrad_kv[CNN_CONV_WGRAD_KV_VARIANTS];
  int conv_wgrad_kv_count;
  cnn_f32_conv_wgrad_kv_pack_fn conv_wgrad_kv_pack;
  /* Channel-vector backward-data kernels (lanes ascending). */
  struct cnn_conv_dgrad_cv_variant {
    int lanes, jmax;
    cnn_f32_conv_dgrad_cv_ukernel_fn fn;
    const char *name;
  } conv_dgrad_cv[CNN_CONV_DGRAD_CV_VARIANTS];
  int conv_dgrad_cv_count;
  /* The filter-vector backward-data kernel: LANES filters per vector,
   * MC channels x NJ positions per tile. */
  int conv_dgrad_kv_lanes, conv_dgrad_kv_mc, conv_dgrad_kv_nj;
  cnn_f32_conv_dgrad_kv_ukernel_fn conv_dgrad_kv;
  const char *conv_dgrad_kv_name;
  cnn_f32_im2col_ukernel_fn im2col;
  cnn_f32_col2im_ukernel_fn col2im;
  cnn_f32_pool_fwd_ukernel_fn maxpool, avgpool;
  cnn_f32_pool_bwd_ukernel_fn maxpool_bwd, avgpool_bwd;
  cnn_f32_relu_ukernel_fn relu;
  cnn_f32_relu_bwd_ukernel_fn relu_bwd;
  cnn_f32_adam_ukernel_fn adam;
};

/* The table for isa, or NULL when this build or CPU cannot run it. */
const struct cnn_kernels *cnn_kernels_for(cnn_isa isa);

#endif
