/* The im2col + GEMM convolution against the direct 7-loop reference, for
 * forward, backward-data and backward-weights (+ bias), at 1 and 2 threads,
 * on odd shapes, with the kernels of every ISA this machine runs. Inputs
 * are small integers at partial density, so every sum is exact in any
 * order: the results must be equal bit for bit. Then, on random floats,
 * repeated runs at a thread count must give the same bits, and a repeated
 * call must allocate nothing (the buffers are sized once). */
#include <math.h>
#include <stdlib.h>

#include "conv/conv.h"
#include "runtime/memory.h"
#include "testutil.h"

static float *buffer(size_t count) { return cnn_alloc(count, sizeof(float), "test"); }

/* An output that is mostly zeros proves little (benchdnn's MISTRUSTED). */
static void check_trusted(const char *what, const float *v, size_t n) {
  size_t nonzero = 0;
  for (size_t i = 0; i < n; i++) nonzero += v[i] != 0.0f;
  CHECK(nonzero * 4 >= n, "%s: only %zu of %zu values are nonzero", what, nonzero, n);
}

static void check_problem(cnn_context *ctx, const struct cnn_conv_problem *p,
                          uint64_t seed) {
  const size_t nx = (size_t)p->n * p->c * p->h * p->w;
  const size_t nw = (size_t)p->k * p->c * p->r * p->s;
  const size_t ny = (size_t)p->n * p->k * p->oh * p->ow;
  float *x = buffer(nx), *w = buffer(nw), *bias = buffer((size_t)p->k),
        *dy = buffer(ny);
  float *want_y = buffer(ny), *want_dx = buffer(nx), *want_dw = buffer(nw),
        *want_db = buffer((size_t)p->k);
  float *y = buffer(ny), *dx = buffer(nx), *dw = buffer(nw), *db = buffer((size_t)p->k);
  test_rng rng = test_rng_seeded(seed);
  test_fill_small_ints(&rng, x, nx, 3, 0.8);
  test_fill_small_ints(&rng, w, nw, 3, 0.8);
  test_fill_small_ints(&rng, bias, (size_t)p->k, 3, 1.0);
  test_fill_small_ints(&rng, dy, ny, 3, 0.8);
  cnn_f32_conv_fwd_ref(p, x, w, bias, want_y);
  cnn_f32_conv_bwd_data_ref(p, dy, w, want_dx);
  cnn_f32_conv_bwd_weights_ref(p, x, dy, want_dw, want_db);

  char what[200];
  snprintf(what, sizeof what,
           "%s x(%d,%d,%d,%d) w(%d,%d,%d,%d) stride %dx%d pad %dx%d seed %llu",
           cnn_isa_name(cnn_context_isa(ctx)), p->n,
           p->c, p->h, p->w, p->k, p->c, p->r, p->s, p->stride_h, p->stride_w,
           p->pad_h, p->pad_w, (unsigned long long)seed);
  check_trusted(what, want_y, ny);
  for (int threads = 1; threads <= 2; threads++) {
    CHECK_OK(cnn_context_set_num_threads(ctx, threads));
    char part[260];
    /* NaN-filled outputs: every value must be written, none read. */
    for (size_t i = 0; i < ny; i++) y[i] = NAN;
    for (size_t i = 0; i < nx; i++) dx[i] = NAN;
    for (size_t i = 0; i < nw; i++) dw[i] = NAN;
    for (int i = 0; i < p->k; i++) db[i] = NAN;
    CHECK_OK(cnn_conv_forward(ctx, p, x, w, bias, y));
    CHECK_OK(cnn_conv_backward_data(ctx, p, dy, w, dx));
    CHECK_OK(cnn_conv_backward_weights(ctx, p, x, dy, dw, db));
    snprintf(part, sizeof part, "forward %s, %d threads", what, threads);
    test_equal(part, y, want_y, ny);
    snprintf(part, sizeof part, "backward data %s, %d threads", what, threads);
    test_equal(part, dx, want_dx, nx);
    snprintf(part, sizeof part, "backward weights %s, %d threads", what, threads);
    test_equal(part, dw, want_dw, nw);
    snprintf(part, sizeof part, "backward bias %s, %d threads", what, threads);
    test_equal(part, db, want_db, (size_t)p->k);
  }
  float *all[] = {x, w, bias, dy, want_y, want_dx, want_dw, want_db, y, dx, dw, db};
  for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) cnn_free(all[i]);
}

static struct cnn_conv_problem problem(int n, int c, int h, int w, int k, int r, int s,
                                       int stride_h, int stride_w, int pad_h,
                                       int pad_w) {
  return (struct cnn_conv_problem){n, c, h, w, k, r, s, stride_h, stride_w, pad_h, pad_w,
                                   (h + 2 * pad_h - r) / stride_h + 1,
                                   (w + 2 * pad_w - s) / stride_w + 1};
}

/* Random floats: the sums now round, and must round the same way on every
 * run with the same thread count; a second run allocates nothing. */
static void check_repeatable(cnn_context *ctx, const struct cnn_conv_problem *p,
                             int threads) {
  const size_t nx = (size_t)p->n * p->c * p->h * p->w;
  const size_t nw = (size_t)p->k * p->c * p->r * p->s;
  const size_t ny = (size_t)p->n * p->k * p->oh * p->ow;
  float *x = buffer(nx), *w = buffer(nw), *dy = buffer(ny);
  float *out[2][4];
  const size_t sizes[4] = {ny, nx, nw, (size_t)p->k};
  test_rng rng = test_rng_seeded(77);
  test_fill_uniform(&rng, x, nx, -1, 1);
  test_fill_uniform(&rng, w, nw, -1, 1);
  test_fill_uniform(&rng, dy, ny, -1, 1);
  CHECK_OK(cnn_context_set_num_threads(ctx, threads));
  unsigned long long allocations = 0;
  for (int run = 0; run < 2; run++) {
    for (int i = 0; i < 4; i++) out[run][i] = buffer(sizes[i]);
    if (run == 1) allocations = cnn_alloc_count();
    CHECK_OK(cnn_conv_forward(ctx, p, x, w, NULL, out[run][0]));
    CHECK_OK(cnn_conv_backward_data(ctx, p, dy, w, out[run][1]));
    CHECK_OK(cnn_conv_backward_weights(ctx, p, x, dy, out[run][2], out[run][3]));
  }
  CHECK(cnn_alloc_count() == allocations, "%llu allocations in a repeated call",
        cnn_alloc_count() - allocations);
  static const char *const names[4] = {"forward", "backward data", "backward weights",
                                       "backward bias"};
  for (int i = 0; i < 4; i++) {
    char what[120];
    snprintf(what, sizeof what, "%s repeated at %d threads (%s)", names[i], threads,
             cnn_isa_name(cnn_context_isa(ctx)));
    test_equal(what, out[1][i], out[0][i], sizes[i]);
    cnn_free(out[0][i]);
    cnn_free(out[1][i]);
  }
  cnn_free(x);
  cnn_free(w);
  cnn_free(dy);
}

int main(void) {
  cnn_context *ctx;
  CHECK_OK(cnn_context_create(1, &ctx));
  const struct cnn_conv_problem fixed[] = {
      problem(3, 3, 11, 9, 5, 3, 3, 1, 1, 1, 1),
      problem(5, 1, 13, 7, 4, 5, 5, 2, 2, 2, 2),
      problem(3, 7, 6, 9, 3, 1, 1, 1, 1, 0, 0), /* pointwise */
      problem(4, 2, 8, 10, 6, 3, 2, 2, 3, 0, 1),
      problem(1, 4, 9, 9, 3, 3, 3, 1, 1, 0, 0), /* one image: no batch threads */
      problem(2, 3, 5, 5, 2, 5, 5, 1, 1, 0, 0), /* filter = image: 1x1 output */
  };
  for (int isa = 0; isa < CNN_ISA_COUNT; isa++) {
    if (!cnn_isa_supported((cnn_isa)isa)) continue;
    CHECK_OK(cnn_context_set_isa(ctx, (cnn_isa)isa));
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
      check_problem(ctx, &fixed[i], 10 + i);
    test_rng rng = test_rng_seeded(2024);
    for (int i = 0; i < 20; i++) {
      const int r = test_rng_int(&rng, 1, 4), s = test_rng_int(&rng, 1, 4);
      const struct cnn_conv_problem p = problem(
          test_rng_int(&rng, 1, 5), test_rng_int(&rng, 1, 5), test_rng_int(&rng, r, 12),
          test_rng_int(&rng, s, 12), test_rng_int(&rng, 1, 6), r, s,
          test_rng_int(&rng, 1, 3), test_rng_int(&rng, 1, 3),
          test_rng_int(&rng, 0, r - 1), test_rng_int(&rng, 0, s - 1));
      check_problem(ctx, &p, 500 + i);
    }
    const struct cnn_conv_problem larger = problem(7, 6, 20, 18, 16, 3, 3, 1, 1, 1, 1);
    for (int threads = 1; threads <= 3; threads++) check_repeatable(ctx, &larger, threads);
  }
  cnn_context_free(ctx);
  return test_finish("test_conv_im2col");
}
