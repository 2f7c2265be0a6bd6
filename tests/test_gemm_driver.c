/* The GEMM driver against the reference loops (cnn_f32_gemm_ref), for every
 * ISA this CPU runs, at 1 and 2 threads: every m and n in 1..33 (so every
 * partial tile of every kernel), primes, tall-skinny and 1000-odd sizes
 * (with a short k and the reference on sampled rows, so that the test stays
 * quick under qemu), all four transpose combinations, alpha/beta, row
 * strides wider than the matrices, and C full of NaN when beta == 0.
 * Inputs are small integers at partial density, so every sum is exact in
 * any order: results must equal the reference exactly (the sign of a zero
 * aside: the driver folds alpha into A, so -0.5 * (+0) may come out +0) and
 * every ISA and thread count must give the same bits. Two random-float
 * cases check against the reference within 2 (k+2) 2^-23 sum|a b|. */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gemm/gemm.h"
#include "kernels/ukernels.h"
#include "runtime/memory.h"
#include "testutil.h"

#ifdef _OPENMP
#include <omp.h>
#endif

#define PAD 3 /* every leading dimension is the matrix width plus this */

struct shape {
  size_t m, n, k;
};

struct operands {
  int ta, tb;
  size_t m, n, k, lda, ldb, ldc;
  float alpha, beta;
  float *a, *b, *c0; /* inputs; c0 is C before the call */
};

static void operands_init(struct operands *o, struct shape s, int ta, int tb,
                          float alpha, float beta, int exact, uint64_t seed) {
  o->ta = ta;
  o->tb = tb;
  o->m = s.m;
  o->n = s.n;
  o->k = s.k;
  o->alpha = alpha;
  o->beta = beta;
  size_t a_rows = ta ? s.k : s.m, a_cols = ta ? s.m : s.k;
  size_t b_rows = tb ? s.n : s.k, b_cols = tb ? s.k : s.n;
  o->lda = a_cols + PAD;
  o->ldb = b_cols + PAD;
  o->ldc = s.n + PAD;
  o->a = cnn_alloc(a_rows * o->lda, sizeof(float), "a");
  o->b = cnn_alloc(b_rows * o->ldb, sizeof(float), "b");
  o->c0 = cnn_alloc(s.m * o->ldc, sizeof(float), "c");
  test_rng rng = test_rng_seeded(seed);
  if (exact) {
    test_fill_small_ints(&rng, o->a, a_rows * o->lda, 3, 0.7);
    test_fill_small_ints(&rng, o->b, b_rows * o->ldb, 3, 0.7);
    test_fill_small_ints(&rng, o->c0, s.m * o->ldc, 5, 0.9);
  } else {
    test_fill_uniform(&rng, o->a, a_rows * o->lda, -1.0f, 1.0f);
    test_fill_uniform(&rng, o->b, b_rows * o->ldb, -1.0f, 1.0f);
    test_fill_uniform(&rng, o->c0, s.m * o->ldc, -1.0f, 1.0f);
  }
  if (beta == 0.0f)
    for (size_t i = 0; i < s.m * o->ldc; i++) o->c0[i] = NAN;
}

static void operands_free(struct operands *o) {
  cnn_free(o->a);
  cnn_free(o->b);
  cnn_free(o->c0);
}

static void describe(char *buf, size_t size, const cnn_context *ctx, const struct operands *o) {
  snprintf(buf, size, "%s threads=%d m=%zu n=%zu k=%zu ta=%d tb=%d alpha=%g beta=%g",
           cnn_isa_name(cnn_context_isa(ctx)), cnn_context_num_threads(ctx), o->m, o->n,
           o->k, o->ta, o->tb, o->alpha, o->beta);
}

static void run(cnn_context *ctx, const struct operands *o, float *c) {
  memcpy(c, o->c0, o->m * o->ldc * sizeof *c);
  cnn_sgemm(ctx, o->ta, o->tb, o->m, o->n, o->k, o->alpha, o->a, o->lda, o->b, o->ldb,
            o->beta, c, o->ldc);
}

/* Rows the reference computes and the checks compare: every row_step-th
 * and the last 16 (the bottom edge tiles). row_step 1 is every row; large
 * problems sample rows so that the test stays quick under an emulator. */
static int row_checked(const struct operands *o, size_t i, size_t row_step) {
  return i % row_step == 0 || i + 16 >= o->m;
}

static void reference(const struct operands *o, float *c, size_t row_step) {
  memcpy(c, o->c0, o->m * o->ldc * sizeof *c);
  for (size_t i = 0; i < o->m; i++)
    if (row_checked(o, i, row_step))
      cnn_f32_gemm_ref(o->ta, o->tb, 1, o->n, o->k, o->alpha,
                       o->a + (o->ta ? i : i * o->lda), o->lda, o->b, o->ldb, o->beta,
                       c + i * o->ldc, o->ldc);
}

/* Exact: equal values on the checked rows, the padding of C included
 * (never written), a result that is not mostly zeros, and the same bits
 * everywhere as the first variant run (first_got), when there is one. */
static void check_exact(const cnn_context *ctx, const struct operands *o, const float *got,
                        const float *want, const float *first_got, size_t row_step) {
  char what[160];
  describe(what, sizeof what, ctx, o);
  size_t size = o->m * o->ldc, nonzero = 0;
  for (size_t i = 0; i < size; i++) nonzero += want[i] != 0.0f;
  CHECK(nonzero * 4 >= o->m * o->n || o->m * o->n < 8, "%s: reference mostly zeros", what);
  test_checks++;
  for (size_t i = 0; i < size; i++)
    if (row_checked(o, i / o->ldc, row_step) &&
        !(got[i] == want[i] || (isnan(got[i]) && isnan(want[i])))) {
      test_failures++;
      fprintf(stderr, "%s: C[%zu][%zu] got %.9g want %.9g\n", what, i / o->ldc, i % o->ldc,
              got[i], want[i]);
      break;
    }
  if (first_got && !test_equal(what, got, first_got, size))
    fprintf(stderr, "  (against the first ISA at 1 thread; index = row * %zu + column)\n",
            o->ldc);
}

static void check_close(const cnn_context *ctx, const struct operands *o, const float *got,
                        const float *want) {
  char what[160];
  describe(what, sizeof what, ctx, o);
  test_checks++;
  for (size_t i = 0; i < o->m; i++)
    for (size_t j = 0; j < o->n; j++) {
      double bound = o->beta == 0.0f ? 0.0 : fabs(o->beta * o->c0[i * o->ldc + j]);
      for (size_t p = 0; p < o->k; p++) {
        float aip = o->ta ? o->a[p * o->lda + i] : o->a[i * o->lda + p];
        float bpj = o->tb ? o->b[j * o->ldb + p] : o->b[p * o->ldb + j];
        bound += fabs((double)o->alpha * aip * bpj);
      }
      double tol = 2.0 * (double)(o->k + 2) * FLT_EPSILON * bound;
      float g = got[i * o->ldc + j], w = want[i * o->ldc + j];
      if (!(fabs((double)g - w) <= tol)) {
        test_failures++;
        fprintf(stderr, "%s: C[%zu][%zu] got %.9g want %.9g (tolerance %.3g)\n", what, i, j,
                g, w, tol);
        return;
      }
    }
}

/* Runs one problem on every ISA at 1 and 2 threads against the reference. */
static void check_problem(cnn_context *ctx, struct shape s, int ta, int tb, float alpha,
                          float beta, int exact, uint64_t seed, size_t row_step) {
  struct operands o;
  operands_init(&o, s, ta, tb, alpha, beta, exact, seed);
  float *want = cnn_alloc(s.m * o.ldc, sizeof(float), "want");
  float *got = cnn_alloc(s.m * o.ldc, sizeof(float), "got");
  float *first = cnn_alloc(s.m * o.ldc, sizeof(float), "first");
  int have_first = 0;
  reference(&o, want, row_step);
  for (int isa = 0; isa < CNN_ISA_COUNT; isa++) {
    if (!cnn_isa_supported((cnn_isa)isa)) continue;
    CHECK_OK(cnn_context_set_isa(ctx, (cnn_isa)isa));
    for (int threads = 1; threads <= 2; threads++) {
      CHECK_OK(cnn_context_set_num_threads(ctx, threads));
      run(ctx, &o, got);
      if (exact) check_exact(ctx, &o, got, want, have_first ? first : NULL, row_step);
      else check_close(ctx, &o, got, want);
      if (!have_first) memcpy(first, got, s.m * o.ldc * sizeof *got);
      have_first = 1;
    }
  }
  cnn_free(want);
  cnn_free(got);
  cnn_free(first);
  operands_free(&o);
}

/* Every m and n in 1..33 (k varies with them over 1..37), each transpose. */
static void test_small_sweep(cnn_context *ctx) {
  for (size_t m = 1; m <= 33; m++)
    for (size_t n = 1; n <= 33; n++) {
      size_t k = (m * 7 + n * 3) % 37 + 1;
      int t = (int)((m + n) % 4);
      check_problem(ctx, (struct shape){m, n, k}, t & 1, t >> 1, 1.0f, 1.0f, 1, m * 100 + n,
                    1);
    }
}

static void test_shapes(cnn_context *ctx) {
  static const struct shape shapes[] = {
      {101, 163, 127}, {257, 61, 131}, {31, 37, 1031}, /* primes */
      {4099, 7, 131},  {7, 4099, 131}, {2053, 3, 5},   /* tall and wide, skinny */
      {6, 3137, 25},   {16, 401, 150},                 /* convolution-like */
  };
  static const float alphas[] = {1.0f, -0.5f, 2.0f, 1.0f};
  static const float betas[] = {0.0f, 1.0f, 0.5f, -2.0f};
  for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++)
    for (int t = 0; t < 4; t++)
      check_problem(ctx, shapes[s], t & 1, t >> 1, alphas[(s + t) % 4], betas[t], 1,
                    7 * s + (uint64_t)t, 1);
  check_problem(ctx, (struct shape){1013, 1009, 37}, 0, 0, 1.0f, 0.0f, 1, 99, 37);
  check_problem(ctx, (struct shape){1009, 1013, 29}, 1, 1, -0.5f, 0.5f, 1, 98, 37);
  check_problem(ctx, (struct shape){127, 131, 600}, 0, 1, 0.75f, 0.25f, 0, 97, 1);
  check_problem(ctx, (struct shape){33, 65, 9}, 1, 0, 1.0f, 0.0f, 0, 96, 1);
}

/* k == 0 and alpha == 0 only scale C (beta == 0 clears NaN). */
static void test_degenerate(cnn_context *ctx) {
  float a[4] = {NAN, NAN, NAN, NAN}, c[4] = {1, 2, NAN, 4};
  cnn_sgemm(ctx, 0, 0, 2, 2, 0, 1.0f, a, 2, a, 2, 0.0f, c, 2);
  CHECK(c[0] == 0 && c[1] == 0 && c[2] == 0 && c[3] == 0, "k=0 beta=0 clears C");
  float d[4] = {1, 2, 3, 4};
  cnn_sgemm(ctx, 0, 0, 2, 2, 2, 0.0f, a, 2, a, 2, 2.0f, d, 2);
  CHECK(d[0] == 2 && d[1] == 4 && d[2] == 6 && d[3] == 8, "alpha=0 scales C: %g %g %g %g",
        d[0], d[1], d[2], d[3]);
}

/* Calls from inside a parallel region (as the convolution drivers make
 * them, with one shared context) run single-threaded in each caller and
 * give the same bits; repeating a shape allocates nothing. */
static void test_nested_and_allocation(cnn_context *ctx) {
  struct shape s = {64, 300, 150};
  struct operands o;
  operands_init(&o, s, 0, 0, 1.0f, 0.0f, 1, 5);
  enum { CALLS = 4 };
  float *want = cnn_alloc(s.m * o.ldc, sizeof(float), "want");
  float *got = cnn_alloc(CALLS * s.m * o.ldc, sizeof(float), "got");
  reference(&o, want, 1);
  CHECK_OK(cnn_context_set_num_threads(ctx, 2));
#ifdef _OPENMP
#pragma omp parallel for num_threads(2)
#endif
  for (int call = 0; call < CALLS; call++) run(ctx, &o, got + call * s.m * o.ldc);
  for (int call = 0; call < CALLS; call++)
    check_exact(ctx, &o, got + call * s.m * o.ldc, want, call ? got : NULL, 1);

  run(ctx, &o, got);
  unsigned long long before = cnn_alloc_count();
  run(ctx, &o, got);
  CHECK(cnn_alloc_count() == before, "a repeated GEMM allocated %llu times",
        cnn_alloc_count() - before);
  cnn_free(want);
  cnn_free(got);
  operands_free(&o);
}

int main(void) {
  cnn_context *ctx;
  CHECK_OK(cnn_context_create(1, &ctx));
  if (!ctx) return test_finish("test_gemm_driver");
  test_degenerate(ctx);
  test_small_sweep(ctx);
  test_shapes(ctx);
  test_nested_and_allocation(ctx);
  cnn_context_free(ctx);
  return test_finish("test_gemm_driver");
}
