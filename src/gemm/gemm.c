/* cnn_sgemm: the special cases, the thread split, and the loop nest of each
 * thread (src/gemm/loop_nest.c).
 *
 * Threads split C into a grid of blocks, tm row blocks by tn column blocks
 * (tm * tn threads), on tile boundaries; each thread packs what its block
 * needs and runs the whole loop nest on it, so threads never wait on one
 * another. Every element of C is computed by the same sequence of kernel
 * calls whatever the split, so the result is the same bits for any thread
 * count. A problem too small to repay a parallel region runs on one thread,
 * and so does a call made from inside a parallel region (the convolution
 * drivers call per image from theirs). */
#include "gemm/gemm.h"

#include <assert.h>

#include "gemm/loop_nest.h"
#include "runtime/context.h"

#ifdef _OPENMP
#include <omp.h>
#endif

/* Below this many flops per thread a parallel region costs more than it
 * saves (a fork and join is a few microseconds). */
#define MIN_FLOPS_PER_THREAD (2.0 * 96 * 96 * 96)

/* Columns of one block when wide problems are cut into more blocks than
 * threads: A is packed once per block, which costs about 1/(this/20) of the
 * block's time at 100 GFLOP/s, under 1%. */
#define COLUMNS_PER_BLOCK 2048

struct thread_grid {
  int tm, tn;                /* row blocks x column blocks */
  size_t m_tiles, n_tiles;   /* tiles of C along each side */
};

/* Start of part `index` of `parts` even parts of `count` units, the first
 * count % parts parts one unit longer (balance211). */
static size_t part_start(size_t count, size_t parts, size_t index) {
  size_t base = count / parts, extra = count % parts;
  return index * base + (index < extra ? index : extra);
}

/* The factorisation tm x tn of `threads` with the smallest largest block;
 * on a tie, the one that splits columns (B is the larger operand of every
 * convolution GEMM, and splitting it keeps A's packing shared in L3). */
static struct thread_grid choose_grid(int threads, size_t m_tiles, size_t n_tiles) {
  struct thread_grid best = {1, 1, m_tiles, n_tiles};
  size_t best_area = (size_t)-1;
  for (int tm = 1; tm <= threads; tm++) {
    if (threads % tm) continue;
    int tn = threads / tm;
    if ((size_t)tm > m_tiles || (size_t)tn > n_tiles) continue;
    size_t area = ((m_tiles + tm - 1) / tm) * ((n_tiles + tn - 1) / tn);
    if (area < best_area || (area == best_area && tn > best.tn)) {
      best_area = area;
      best.tm = tm;
      best.tn = tn;
    }
  }
  return best;
}

static int threads_for(const cnn_context *ctx, const struct cnn_gemm_problem *p,
                       size_t m_tiles, size_t n_tiles) {
#ifdef _OPENMP
  if (omp_in_parallel()) return 1;
#else
  return 1;
#endif
  int threads = ctx->num_threads;
  double flops = 2.0 * (double)p->m * (double)p->n * (double)p->k;
  if (flops < threads * MIN_FLOPS_PER_THREAD)
    threads = (int)(flops / MIN_FLOPS_PER_THREAD);
  if ((size_t)threads > m_tiles * n_tiles) threads = (int)(m_tiles * n_tiles);
  /* A prime count that fits neither side alone would leave threads idle;
   * step down to one the grid can use. */
  while (threads > 1) {
    struct thread_grid g = choose_grid(threads, m_tiles, n_tiles);
    if (g.tm * g.tn == threads && (g.tm > 1 || g.tn > 1)) break;
    threads--;
  }
  return threads < 1 ? 1 : threads;
}

/* The reference loops on one block: the fallback of a thread whose packing
 * buffers cannot be allocated, so the result is still right. */
static void reference_block(const struct cnn_gemm_problem *p, size_t m0,
                            size_t m1, size_t n0, size_t n1) {
  const float *a = p->a + (p->trans_a ? m0 : m0 * p->lda);
  const float *b = p->b + (p->trans_b ? n0 * p->ldb : n0);
  cnn_f32_gemm_ref(p->trans_a, p->trans_b, m1 - m0, n1 - n0, p->k, p->alpha, a,
                   p->lda, b, p->ldb, p->beta, p->c + m0 * p->ldc + n0, p->ldc);
}

static void run_block(const struct cnn_kernels *kern, const struct cnn_gemm_blocking *blk,
                      const struct cnn_gemm_problem *p, const struct thread_grid *g,
                      int block) {
  size_t mr = (size_t)kern->gemm_mr, nr = (size_t)kern->gemm_nr;
  size_t row = (size_t)(block / g->tn), col = (size_t)(block % g->tn);
  size_t m0 = part_start(g->m_tiles, g->tm, row) * mr;
  size_t m1 = part_start(g->m_tiles, g->tm, row + 1) * mr;
  size_t n0 = part_start(g->n_tiles, g->tn, col) * nr;
  size_t n1 = part_start(g->n_tiles, g->tn, col + 1) * nr;
  if (m1 > p->m) m1 = p->m;
  if (n1 > p->n) n1 = p->n;
  if (m0 >= m1 || n0 >= n1) return;
  if (!cnn_gemm_loop_nest(kern, blk, p, m0, m1, n0, n1)) reference_block(p, m0, m1, n0, n1);
}

/* C = beta * C, for k == 0 or alpha == 0 (A and B are not read). */
static void scale_c(const struct cnn_gemm_problem *p) {
  for (size_t i = 0; i < p->m; i++)
    for (size_t j = 0; j < p->n; j++) {
      float *cij = p->c + i * p->ldc + j;
      *cij = p->beta == 0.0f ? 0.0f : p->beta * *cij;
    }
}

/* The table with its short kernel in the main slot when that pads the m
 * rows of C at least 10% less (M = 6 on the 8x32 and 6x32 kernels); the
 * choice depends on m alone, so thread counts still agree bit for bit. */
static struct cnn_kernels kernels_for_rows(const struct cnn_kernels *table, size_t m) {
  struct cnn_kernels chosen = *table;
  size_t mr = (size_t)table->gemm_mr, short_mr = (size_t)table->gemm_short_mr;
  size_t padded = (m + mr - 1) / mr * mr, short_padded = (m + short_mr - 1) / short_mr * short_mr;
  if (short_padded * 10 < padded * 9) {
    chosen.gemm = table->gemm_short;
    chosen.gemm_mr = table->gemm_short_mr;
    chosen.gemm_name = table->gemm_short_name;
  }
  return chosen;
}

static void gemm(cnn_context *ctx, const struct cnn_gemm_problem p) {
  const size_t m = p.m, n = p.n, k = p.k;
  if (m == 0 || n == 0) return;
  if (k == 0 || p.alpha == 0.0f) {
    scale_c(&p);
    return;
  }
  const struct cnn_kernels tiles = kernels_for_rows(ctx->kernels, m);
  const struct cnn_kernels *kern = &tiles;
  const size_t mr = (size_t)kern->gemm_mr, nr = (size_t)kern->gemm_nr;
  const struct cnn_gemm_blocking blk = cnn_gemm_blocking_for(mr, nr, m, k);
  const size_t m_tiles = (m + mr - 1) / mr, n_tiles = (n + nr - 1) / nr;
  const int threads = threads_for(ctx, &p, m_tiles, n_tiles);
  struct thread_grid grid = choose_grid(threads, m_tiles, n_tiles);
  if (threads == 1) {
    run_block(kern, &blk, &p, &grid, 0);
    return;
  }
  /* Wide problems split columns only: cut them into several blocks per
   * thread, taken on demand, so a thread the OS holds back leaves its work
   * to the others. Each block repacks A, so blocks stay wide enough
   * (COLUMNS_PER_BLOCK) for that to cost little. */
  if (grid.tm == 1) {
    size_t per_thread = n / ((size_t)threads * COLUMNS_PER_BLOCK);
    if (per_thread > 1 && (size_t)threads * per_thread <= n_tiles) grid.tn = threads * (int)per_thread;
  }
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
  for (int block = 0; block < grid.tm * grid.tn; block++) run_block(kern, &blk, &p, &grid, block);
#endif
}

void cnn_sgemm(cnn_context *ctx, int trans_a, int trans_b, size_t m, size_t n,
               size_t k, float alpha, const float *a, size_t lda, const float *b,
               size_t ldb, float beta, float *c, size_t ldc) {
  assert(ctx && ctx->kernels);
  gemm(ctx, (struct cnn_gemm_problem){trans_a, trans_b, m, n, k, alpha, beta, a, b, c,
                                      lda, ldb, ldc, NULL, NULL});
}

/* The depth of the blocks an operand is packed in: the driver's, which
 * depends on k and NR only (never on m or n), so one packing serves every
 * product of that depth. */
static size_t packed_kc(const struct cnn_kernels *kern, size_t k) {
  return cnn_gemm_blocking_for((size_t)kern->gemm_mr, (size_t)kern->gemm_nr, 1, k).kc;
}

/* Packs part `part` of `parts` of an operand of `extent` rows (A) or
 * columns (B) in panels of `tile`, whole, as the loop nest would pack its
 * blocks: element (i, p) at src[i * line + p * depth]. */
static void pack_whole(const struct cnn_kernels *kern, cnn_f32_gemm_pack_fn pack,
                       size_t tile, size_t extent, size_t k, const float *src, size_t line,
                       size_t depth, int part, int parts, float *packed) {
  const size_t kc_full = packed_kc(kern, k), panels = (extent + tile - 1) / tile;
  const size_t first = part_start(panels, (size_t)parts, (size_t)part) * tile;
  size_t end = part_start(panels, (size_t)parts, (size_t)part + 1) * tile;
  if (end > extent) end = extent;
  for (size_t pc = 0; pc < k && first < end; pc += kc_full) {
    const size_t kc = k - pc < kc_full ? k - pc : kc_full;
    pack(tile, end - first, kc, src + first * line + pc * depth, line, depth, 1.0f,
         packed + cnn_gemm_packed_offset(extent, tile, pc, kc, first));
  }
}

size_t cnn_gemm_packed_a_floats(const cnn_context *ctx, size_t m, size_t k) {
  const size_t mr = (size_t)kernels_for_rows(ctx->kernels, m).gemm_mr;
  return k * ((m + mr - 1) / mr * mr);
}

size_t cnn_gemm_packed_b_floats(const cnn_context *ctx, size_t k, size_t n) {
  const size_t nr = (size_t)ctx->kernels->gemm_nr;
  return k * ((n + nr - 1) / nr * nr);
}

void cnn_gemm_pack_a(const cnn_context *ctx, int trans_a, size_t m, size_t k,
                     const float *a, size_t lda, int part, int parts, float *packed) {
  const struct cnn_kernels tiles = kernels_for_rows(ctx->kernels, m);
  pack_whole(&tiles, tiles.gemm_pack_a, (size_t)tiles.gemm_mr, m, k, a,
             trans_a ? 1 : lda, trans_a ? lda : 1, part, parts, packed);
}

void cnn_gemm_pack_b(const cnn_context *ctx, int trans_b, size_t k, size_t n,
                     const float *b, size_t ldb, int part, int parts, float *packed) {
  const struct cnn_kernels *kern = ctx->kernels;
  pack_whole(kern, kern->gemm_pack_b, (size_t)kern->gemm_nr, n, k, b, trans_b ? ldb : 1,
             trans_b ? 1 : ldb, part, parts, packed);
}

void cnn_sgemm_packed(cnn_context *ctx, int trans_a, int trans_b, size_t m, size_t n,
                      size_t k, float alpha, const float *a, size_t lda,
                      const float *packed_a, const float *b, size_t ldb,
                      const float *packed_b, float beta, float *c, size_t ldc) {
  assert(ctx && ctx->kernels && (!packed_a || alpha == 1.0f));
  gemm(ctx, (struct cnn_gemm_problem){trans_a, trans_b, m, n, k, alpha, beta, a, b, c,
                                      lda, ldb, ldc, packed_a, packed_b});
}
