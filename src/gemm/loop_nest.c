/* The loop nest, outermost first:
 *   jc over NC columns  -> pc over KC depth: pack B block (KC x NC)
 *   -> ic over MC rows: pack A block (MC x KC, L2)
 *   -> jr over NR columns (one B micro-panel, reused by every row panel)
 *   -> ir over MR rows: kernel.
 * alpha is folded into packed A. beta is applied by the first depth block
 * only: beta == 0 overwrites (C is never read), beta == 1 accumulates, any
 * other beta scales the tile of C just before the kernel accumulates into
 * it. Partial tiles at the right and bottom edges are computed into an
 * aligned temporary tile and their valid part is added to C, with the same
 * arithmetic as a full tile, so the result does not depend on where the
 * edges and thread blocks fall. */
#include "gemm/loop_nest.h"

#include <string.h>

#include "gemm/pack_buffers.h"

static size_t min_size(size_t x, size_t y) { return x < y ? x : y; }

/* How the first depth block treats C. */
enum c_mode { C_OVERWRITE, C_ACCUMULATE, C_SCALE_THEN_ACCUMULATE };

static void scale_tile(float *c, size_t ldc, size_t rows, size_t cols, float beta) {
  for (size_t i = 0; i < rows; i++)
    for (size_t j = 0; j < cols; j++) c[i * ldc + j] *= beta;
}

/* The valid rows x cols of a tile computed into tile (row stride nr) into
 * C, as the kernel would have combined them (C + sum, after beta * C).
 * Every short-M problem ends here for each of its tiles, so the mode is
 * decided once per tile and the row loops stay simple enough to vectorise. */
static void add_edge_tile(float *c, size_t ldc, const float *tile, size_t nr, size_t rows,
                          size_t cols, enum c_mode mode, float beta) {
  for (size_t i = 0; i < rows; i++) {
    float *row = c + i * ldc;
    const float *sum = tile + i * nr;
    switch (mode) {
      case C_OVERWRITE: memcpy(row, sum, cols * sizeof *row); break;
      case C_ACCUMULATE:
        for (size_t j = 0; j < cols; j++) row[j] += sum[j];
        break;
      default:
        for (size_t j = 0; j < cols; j++) row[j] = row[j] * beta + sum[j];
    }
  }
}

/* One packed A block (mc x kc) times one packed B block (kc x nc) into C. */
static void macro_kernel(const struct cnn_kernels *kern, size_t mc, size_t nc,
                         size_t kc, const float *a, const float *b, float *c,
                         size_t ldc, enum c_mode mode, float beta) {
  const size_t mr = (size_t)kern->gemm_mr, nr = (size_t)kern->gemm_nr;
  _Alignas(64) float tile[CNN_F32_GEMM_MAX_MR * CNN_F32_GEMM_MAX_NR];
  for (size_t jr = 0; jr < nc; jr += nr) {
    const size_t cols = min_size(nr, nc - jr);
    for (size_t ir = 0; ir < mc; ir += mr) {
      const size_t rows = min_size(mr, mc - ir);
      const float *ap = a + ir * kc, *bp = b + jr * kc;
      float *cp = c + ir * ldc + jr;
      if (rows == mr && cols == nr) {
        if (mode == C_SCALE_THEN_ACCUMULATE) scale_tile(cp, ldc, rows, cols, beta);
        kern->gemm(kc, ap, bp, cp, ldc, mode != C_OVERWRITE);
        continue;
      }
      kern->gemm(kc, ap, bp, tile, nr, 0);
      add_edge_tile(cp, ldc, tile, nr, rows, cols, mode, beta);
    }
  }
}

int cnn_gemm_loop_nest(const struct cnn_kernels *kern,
                       const struct cnn_gemm_blocking *blk,
                       const struct cnn_gemm_problem *p, size_t m0, size_t m1,
                       size_t n0, size_t n1) {
  const size_t mr = (size_t)kern->gemm_mr, nr = (size_t)kern->gemm_nr;
  /* Buffers for the largest blocks of any problem, not just this one: a
   * thread's first GEMM sizes them once, whatever shapes follow. */
  float *abuf, *bbuf;
  if (!cnn_gemm_pack_buffers(blk->a_floats, blk->b_floats, &abuf, &bbuf)) return 0;
  /* Element (i, p) of op(A) is a[i*a_line + p*a_depth]; (p, j) of op(B) is
   * b[j*b_line + p*b_depth]. */
  const size_t a_line = p->trans_a ? 1 : p->lda, a_depth = p->trans_a ? p->lda : 1;
  const size_t b_line = p->trans_b ? p->ldb : 1, b_depth = p->trans_b ? 1 : p->ldb;
  const enum c_mode first_mode = p->beta == 0.0f   ? C_OVERWRITE
                                 : p->beta == 1.0f ? C_ACCUMULATE
                                                   : C_SCALE_THEN_ACCUMULATE;
  for (size_t jc = n0; jc < n1; jc += blk->nc) {
    const size_t nc = min_size(blk->nc, n1 - jc);
    for (size_t pc = 0; pc < p->k; pc += blk->kc) {
      const size_t kc = min_size(blk->kc, p->k - pc);
      const float *bblock = bbuf;
      if (p->packed_b)
        bblock = p->packed_b + cnn_gemm_packed_offset(p->n, nr, pc, kc, jc);
      else
        kern->gemm_pack_b(nr, nc, kc, p->b + jc * b_line + pc * b_depth, b_line,
                          b_depth, 1.0f, bbuf);
      for (size_t ic = m0; ic < m1; ic += blk->mc) {
        const size_t mc = min_size(blk->mc, m1 - ic);
        const float *ablock = abuf;
        if (p->packed_a)
          ablock = p->packed_a + cnn_gemm_packed_offset(p->m, mr, pc, kc, ic);
        else
          kern->gemm_pack_a(mr, mc, kc, p->a + ic * a_line + pc * a_depth, a_line,
                            a_depth, p->alpha, abuf);
        macro_kernel(kern, mc, nc, kc, ablock, bblock, p->c + ic * p->ldc + jc, p->ldc,
                     pc == 0 ? first_mode : C_ACCUMULATE, p->beta);
      }
    }
  }
  return 1;
}
