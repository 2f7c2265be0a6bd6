/* Every convolution algorithm x ISA x pass x thread count against the
 * scalar reference on a grid of odd shapes: 1, 3, 6 and 17 channels, filter
 * counts that are no multiple of any tile, 1x1 to 11x11 filters, strides 1
 * to 4, padding 0 to 3, non-square images and filters, batches of 1 and 7.
 * Inputs are small integers at partial density, so every sum is exact and
 * results must match bit for bit; one case with uniform inputs checks a
 * tolerance instead (1e-4 relative to the sum of magnitudes). Also: the
 * choice of algorithm (CNN_CONV_ALGO), the fused ReLU, and bit-identical
 * backward-weights across runs. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "conv/conv_algo.h"
#include "conv/conv_direct_rows.h"
#include "conv/direct_dgrad_kv.h"
#include "runtime/context.h"
#include "testutil.h"

struct shape {
  int n, c, h, w, k, r, s, stride_h, stride_w, pad_h, pad_w;
};

static const struct shape shapes[] = {
    {1, 1, 9, 11, 5, 3, 3, 1, 1, 1, 1},     /* one channel, non-square */
    {7, 3, 10, 8, 7, 5, 5, 1, 1, 2, 2},     /* batch 7, 5x5 */
    {2, 6, 12, 9, 13, 3, 3, 2, 2, 1, 1},    /* stride 2 */
    {1, 17, 7, 7, 9, 1, 1, 1, 1, 0, 0},     /* 1x1 stride 1: read in place */
    {2, 3, 27, 23, 6, 11, 11, 4, 4, 2, 2},  /* 11x11 stride 4 */
    {3, 6, 9, 14, 11, 3, 5, 1, 2, 3, 0},    /* non-square filter, mixed */
    {1, 17, 6, 5, 16, 1, 1, 2, 2, 0, 0},    /* 1x1 stride 2: dx phases of zeros */
    {7, 1, 16, 16, 6, 5, 5, 1, 1, 3, 3},    /* pad 3 */
    {2, 3, 5, 5, 3, 5, 5, 1, 1, 0, 0},      /* a 1x1 output */
    {1, 2, 3, 4, 70, 2, 2, 1, 1, 1, 1},     /* many filters, even filter */
    {2, 1, 12, 10, 10, 5, 5, 1, 1, 1, 1},   /* a 5x5 weight-gradient tile fits best */
    {3, 2, 9, 13, 16, 3, 7, 1, 1, 1, 3},    /* 7 wide: filter rows in two chunks */
    {2, 1, 10, 10, 30, 5, 5, 1, 1, 0, 0},   /* 30 filters in 32 lanes */
    {2, 6, 14, 13, 16, 5, 5, 1, 1, 0, 0},   /* channels in vector lanes (dx) */
    {1, 12, 9, 19, 5, 3, 3, 1, 1, 1, 1},    /* dx rows wider than a segment */
    {2, 32, 6, 7, 4, 3, 5, 1, 1, 2, 1},     /* 32 channels, padding R-1 */
    {3, 7, 8, 8, 3, 5, 5, 1, 1, 2, 2},      /* 7 channels in 8 lanes, padded */
    {2, 13, 7, 9, 16, 3, 3, 1, 1, 1, 1},    /* filters in vector lanes (dx), 3 channel tiles */
    {1, 5, 6, 3, 24, 4, 2, 1, 1, 3, 1},     /* filters in lanes, dx narrower than a tile */
    {1, 3, 100, 97, 16, 5, 5, 2, 2, 2, 2},  /* dw in bands of output rows, strided */
    {2, 16, 9, 11, 8, 3, 3, 1, 1, 1, 1},    /* dx on channel-vector tiles (transposed) */
};

static struct cnn_conv_problem problem_of(const struct shape *sh) {
  struct cnn_conv_problem p = {.n = sh->n, .c = sh->c, .h = sh->h, .w = sh->w,
                               .k = sh->k, .r = sh->r, .s = sh->s,
                               .stride_h = sh->stride_h, .stride_w = sh->stride_w,
                               .pad_h = sh->pad_h, .pad_w = sh->pad_w};
  p.oh = (p.h + 2 * p.pad_h - p.r) / p.stride_h + 1;
  p.ow = (p.w + 2 * p.pad_w - p.s) / p.stride_w + 1;
  return p;
}

struct buffers {
  size_t nx, nw, ny;
  float *x, *w, *bias, *dy;               /* inputs */
  float *y, *dx, *dw, *db;                /* outputs */
  float *ref_y, *ref_dx, *ref_dw, *ref_db;
};

static float *alloc_floats(size_t n) { return malloc(sizeof(float) * (n ? n : 1)); }

static void buffers_init(struct buffers *b, const struct cnn_conv_problem *p, test_rng *rng,
                         int exact) {
  b->nx = (size_t)p->n * p->c * p->h * p->w;
  b->nw = (size_t)p->k * p->c * p->r * p->s;
  b->ny = (size_t)p->n * p->k * p->oh * p->ow;
  float **all[] = {&b->x, &b->dx, &b->ref_dx};
  for (int i = 0; i < 3; i++) *all[i] = alloc_floats(b->nx);
  b->w = alloc_floats(b->nw), b->dw = alloc_floats(b->nw), b->ref_dw = alloc_floats(b->nw);
  b->dy = alloc_floats(b->ny), b->y = alloc_floats(b->ny), b->ref_y = alloc_floats(b->ny);
  b->bias = alloc_floats(p->k), b->db = alloc_floats(p->k), b->ref_db = alloc_floats(p->k);
  if (exact) {
    test_fill_small_ints(rng, b->x, b->nx, 3, 0.7);
    test_fill_small_ints(rng, b->w, b->nw, 3, 0.7);
    test_fill_small_ints(rng, b->dy, b->ny, 3, 0.7);
    test_fill_small_ints(rng, b->bias, p->k, 5, 1.0);
  } else {
    test_fill_uniform(rng, b->x, b->nx, -1, 1);
    test_fill_uniform(rng, b->w, b->nw, -1, 1);
    test_fill_uniform(rng, b->dy, b->ny, -1, 1);
    test_fill_uniform(rng, b->bias, p->k, -1, 1);
  }
  cnn_f32_conv_fwd_ref(p, b->x, b->w, b->bias, b->ref_y);
  cnn_f32_conv_bwd_data_ref(p, b->dy, b->w, b->ref_dx);
  cnn_f32_conv_bwd_weights_ref(p, b->x, b->dy, b->ref_dw, b->ref_db);
}

static void buffers_free(struct buffers *b) {
  float *all[] = {b->x, b->w, b->bias, b->dy, b->y, b->dx, b->dw, b->db,
                  b->ref_y, b->ref_dx, b->ref_dw, b->ref_db};
  for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) free(all[i]);
}

/* NaN in every output first: a path that skips an element fails. */
static void poison(float *x, size_t n) {
  for (size_t i = 0; i < n; i++) x[i] = NAN;
}

static int compare(const char *what, const float *got, const float *want, size_t n, int exact) {
  if (exact) return test_equal(what, got, want, n);
  /* Sums of up to a few thousand products of values in [-1, 1]. */
  return test_close(what, got, want, n, 1e-4, 1e-4);
}

static void run_case(cnn_context *ctx, const struct cnn_conv_algo *algo,
                     const struct cnn_conv_problem *p, struct buffers *b, int exact,
                     const char *label) {
  char what[256];
  poison(b->y, b->ny);
  snprintf(what, sizeof what, "%s forward", label);
  CHECK_OK(cnn_conv_forward_with(ctx, algo, p, b->x, b->w, b->bias, 0, b->y));
  compare(what, b->y, b->ref_y, b->ny, exact);

  /* Fused ReLU: the ReLU of the reference output. */
  float *relu_ref = alloc_floats(b->ny);
  for (size_t i = 0; i < b->ny; i++) relu_ref[i] = cnn_f32_relu(b->ref_y[i]);
  poison(b->y, b->ny);
  snprintf(what, sizeof what, "%s forward+relu", label);
  CHECK_OK(cnn_conv_forward_with(ctx, algo, p, b->x, b->w, b->bias, 1, b->y));
  compare(what, b->y, relu_ref, b->ny, exact);
  free(relu_ref);

  poison(b->dx, b->nx);
  snprintf(what, sizeof what, "%s backward-data", label);
  CHECK_OK(cnn_conv_backward_data_with(ctx, algo, p, b->dy, b->w, b->dx));
  compare(what, b->dx, b->ref_dx, b->nx, exact);

  poison(b->dw, b->nw);
  poison(b->db, p->k);
  snprintf(what, sizeof what, "%s backward-weights", label);
  CHECK_OK(cnn_conv_backward_weights_with(ctx, algo, p, b->x, b->dy, b->dw, b->db));
  compare(what, b->dw, b->ref_dw, b->nw, exact);
  snprintf(what, sizeof what, "%s backward-bias", label);
  compare(what, b->db, b->ref_db, p->k, exact);
}

static void label_of(char *out, size_t size, const char *algo, cnn_isa isa, int threads,
                     const struct cnn_conv_problem *p) {
  snprintf(out, size,
           "%s/%s/%dt mb%dic%dih%diw%doc%dkh%dkw%dsh%dsw%dph%dpw%d", algo,
           cnn_isa_name(isa), threads, p->n, p->c, p->h, p->w, p->k, p->r, p->s,
           p->stride_h, p->stride_w, p->pad_h, p->pad_w);
}

static void test_grid(cnn_context *ctx) {
  test_rng rng = test_rng_seeded(20261123);
  static const char *const names[] = {"direct_rows", "direct_k", "direct", "im2col", "auto"};
  for (size_t si = 0; si < sizeof shapes / sizeof shapes[0]; si++) {
    const struct cnn_conv_problem p = problem_of(&shapes[si]);
    struct buffers b;
    buffers_init(&b, &p, &rng, 1);
    size_t nonzero = 0;
    for (size_t i = 0; i < b.ny; i++) nonzero += b.ref_y[i] != 0.0f;
    CHECK(nonzero * 2 > b.ny, "shape %zu: reference output mostly zeros (%zu of %zu)", si,
          nonzero, b.ny);
    for (int isa = 0; isa < CNN_ISA_COUNT; isa++) {
      if (cnn_context_set_isa(ctx, (cnn_isa)isa) != CNN_STATUS_OK) continue;
      for (size_t a = 0; a < sizeof names / sizeof names[0]; a++) {
        const struct cnn_conv_algo *algo; /* NULL for auto */
        CHECK_OK(cnn_conv_algo_parse(names[a], &algo));
        for (int threads = 1; threads <= 2; threads++) {
          CHECK_OK(cnn_context_set_num_threads(ctx, threads));
          char label[160];
          label_of(label, sizeof label, names[a], (cnn_isa)isa, threads, &p);
          run_case(ctx, algo, &p, &b, 1, label);
        }
      }
    }
    buffers_free(&b);
  }
}

/* Uniform inputs: every path within the tolerance, on the default ISA. */
static void test_uniform(cnn_context *ctx) {
  test_rng rng = test_rng_seeded(7);
  const struct shape sh = {3, 6, 14, 13, 10, 3, 3, 1, 1, 1, 1};
  const struct cnn_conv_problem p = problem_of(&sh);
  struct buffers b;
  buffers_init(&b, &p, &rng, 0);
  CHECK_OK(cnn_context_set_num_threads(ctx, 2));
  int count;
  const struct cnn_conv_algo *algos = cnn_conv_algos(&count);
  for (int a = 0; a < count; a++) run_case(ctx, &algos[a], &p, &b, 0, algos[a].name);
  buffers_free(&b);
}

/* Backward-weights at 2 threads gives the same bits run after run, and the
 * forward pass the same bits at 1 and 2 threads. */
static void test_determinism(cnn_context *ctx) {
  test_rng rng = test_rng_seeded(99);
  const struct shape sh = {5, 3, 12, 12, 8, 3, 3, 1, 1, 1, 1};
  const struct cnn_conv_problem p = problem_of(&sh);
  struct buffers b;
  buffers_init(&b, &p, &rng, 0);
  const struct cnn_conv_algo *direct;
  CHECK_OK(cnn_conv_algo_parse("direct", &direct));
  CHECK_OK(cnn_context_set_num_threads(ctx, 2));
  CHECK_OK(cnn_conv_backward_weights_with(ctx, direct, &p, b.x, b.dy, b.dw, b.db));
  float *again = alloc_floats(b.nw);
  CHECK_OK(cnn_conv_backward_weights_with(ctx, direct, &p, b.x, b.dy, again, NULL));
  test_equal("backward-weights twice at 2 threads", again, b.dw, b.nw);
  free(again);
  CHECK_OK(cnn_conv_forward_with(ctx, direct, &p, b.x, b.w, b.bias, 0, b.y));
  CHECK_OK(cnn_context_set_num_threads(ctx, 1));
  CHECK_OK(cnn_conv_forward_with(ctx, direct, &p, b.x, b.w, b.bias, 0, b.ref_y));
  test_equal("forward at 1 and 2 threads", b.y, b.ref_y, b.ny);
  buffers_free(&b);
}

/* Backward pass `pass` of p by the auto choice at `threads` threads, into
 * b's reference outputs (ref) or into its outputs, poisoned first. */
static void run_backward(cnn_context *ctx, cnn_conv_pass pass, const struct cnn_conv_problem *p,
                         struct buffers *b, int threads, int ref) {
  CHECK_OK(cnn_context_set_num_threads(ctx, threads));
  if (pass == CNN_CONV_BACKWARD_DATA) {
    if (!ref) poison(b->dx, b->nx);
    CHECK_OK(cnn_conv_backward_data_with(ctx, NULL, p, b->dy, b->w, ref ? b->ref_dx : b->dx));
    return;
  }
  if (!ref) {
    poison(b->dw, b->nw);
    poison(b->db, p->k);
  }
  CHECK_OK(cnn_conv_backward_weights_with(ctx, NULL, p, b->x, b->dy, ref ? b->ref_dw : b->dw,
                                          ref ? b->ref_db : b->db));
}

/* A backward pass gives the same bits at 1 and 2 threads on uniform
 * inputs, on every ISA, for every shape of shs. */
static void check_thread_bits(cnn_context *ctx, cnn_conv_pass pass, const struct shape *shs,
                              size_t count, uint64_t seed) {
  test_rng rng = test_rng_seeded(seed);
  const cnn_isa was = cnn_context_isa(ctx);
  for (size_t si = 0; si < count; si++) {
    const struct cnn_conv_problem p = problem_of(&shs[si]);
    struct buffers b;
    buffers_init(&b, &p, &rng, 0);
    for (int isa = 0; isa < CNN_ISA_COUNT; isa++) {
      if (cnn_context_set_isa(ctx, (cnn_isa)isa) != CNN_STATUS_OK) continue;
      run_backward(ctx, pass, &p, &b, 1, 1);
      run_backward(ctx, pass, &p, &b, 2, 0);
      char what[128];
      const char *isa_name = cnn_isa_name((cnn_isa)isa);
      if (pass == CNN_CONV_BACKWARD_DATA) {
        snprintf(what, sizeof what, "backward-data at 1 and 2 threads (%s, shape %zu)",
                 isa_name, si);
        test_equal(what, b.dx, b.ref_dx, b.nx);
        continue;
      }
      snprintf(what, sizeof what, "backward-weights at 1 and 2 threads (%s, shape %zu)",
               isa_name, si);
      test_equal(what, b.dw, b.ref_dw, b.nw);
      snprintf(what, sizeof what, "backward-bias at 1 and 2 threads (%s, shape %zu)", isa_name,
               si);
      test_equal(what, b.db, b.ref_db, p.k);
    }
    buffers_free(&b);
  }
  CHECK_OK(cnn_context_set_isa(ctx, was));
}

/* Backward-weights: batches the threads share by images (first layers of
 * 1 and 3 channels, stride 1 and 4), one image, and images summed in
 * bands of output rows. */
static void test_backward_weights_threads(cnn_context *ctx) {
  static const struct shape shs[] = {{16, 1, 28, 28, 6, 5, 5, 1, 1, 2, 2},
                                     {7, 3, 45, 45, 16, 11, 11, 4, 4, 2, 2},
                                     {5, 6, 14, 14, 16, 5, 5, 1, 1, 0, 0},
                                     {1, 1, 28, 28, 30, 5, 5, 1, 1, 0, 0},
                                     {1, 3, 100, 97, 16, 5, 5, 2, 2, 2, 2},
                                     {3, 2, 120, 90, 24, 3, 3, 1, 1, 0, 0}};
  check_thread_bits(ctx, CNN_CONV_BACKWARD_WEIGHTS, shs, sizeof shs / sizeof shs[0], 4242);
}

/* Backward-data: a batch that the threads share by images and one image
 * that they share by rows (lenet_c2: filters in the vector lanes), and the
 * same two ways on row slots. */
static void test_backward_data_threads(cnn_context *ctx) {
  static const struct shape shs[] = {{5, 6, 14, 14, 16, 5, 5, 1, 1, 0, 0},
                                     {1, 6, 14, 14, 16, 5, 5, 1, 1, 0, 0},
                                     {3, 32, 9, 9, 20, 3, 3, 1, 1, 1, 1},
                                     {5, 1, 28, 28, 30, 5, 5, 1, 1, 0, 0},
                                     {1, 3, 21, 19, 8, 3, 3, 1, 1, 1, 1}};
  check_thread_bits(ctx, CNN_CONV_BACKWARD_DATA, shs, sizeof shs / sizeof shs[0], 31337);
}

static void test_choice(cnn_context *ctx) {
  const struct cnn_conv_algo *algo;
  CHECK_ERROR(cnn_conv_algo_parse("winograd", &algo), CNN_STATUS_INVALID_ARGUMENT,
              "\"winograd\"");
  CHECK_OK(cnn_conv_algo_parse("auto", &algo));
  CHECK(algo == NULL, "auto is no forced algorithm");
  int count;
  const struct cnn_conv_algo *list = cnn_conv_algos(&count);
  CHECK(count >= 3 && strcmp(list[count - 1].name, "reference") == 0,
        "the reference comes last");

  const struct shape sh = {1, 2, 5, 5, 3, 3, 3, 1, 1, 1, 1};
  const struct cnn_conv_problem p = problem_of(&sh);
  float x[50] = {0}, w[54] = {0}, y[75];
  setenv("CNN_CONV_ALGO", "fastest", 1);
  CHECK_ERROR(cnn_conv_forward(ctx, &p, x, w, NULL, y), CNN_STATUS_INVALID_ARGUMENT,
              "\"fastest\"");
  setenv("CNN_CONV_ALGO", "im2col", 1);
  CHECK_OK(cnn_conv_forward(ctx, &p, x, w, NULL, y));
  unsetenv("CNN_CONV_ALGO");

  /* auto: direct, except where the list says another one suits better:
   * row slots where they use at least the lanes of flattened plane rows
   * (here 5 of 8 lanes against 5 of 7 positions: no). */
  const struct cnn_conv_algo *chosen;
  CHECK_OK(cnn_conv_algo_choose(ctx, NULL, &p, CNN_CONV_FORWARD, &chosen));
  CHECK(chosen && strcmp(chosen->name, "direct") == 0, "auto forward: %s",
        chosen ? chosen->name : "none");
  /* One channel, 5x5 over 28x28 (simple_c1): 24 wide rows fill 8 lanes
   * exactly, but 24 of 28 plane positions. */
  const struct shape first = {2, 1, 28, 28, 30, 5, 5, 1, 1, 0, 0};
  const struct cnn_conv_problem first_layer = problem_of(&first);
  CHECK_OK(cnn_conv_algo_choose(ctx, NULL, &first_layer, CNN_CONV_FORWARD, &chosen));
  const int vl = ctx->kernels->conv_direct_rows_vl;
  const char *want_first = 24 % vl == 0 ? "direct_rows" : "direct";
  CHECK(chosen && strcmp(chosen->name, want_first) == 0, "auto first layer: %s",
        chosen ? chosen->name : "none");
  /* 16 filters over 10-wide output rows computed 14 wide (lenet_c2): row
   * slots where they waste fewer lanes, else channel vectors (16 filters
   * fill 4-, 8- and 16-lane vectors). */
  const struct shape narrow = {2, 6, 14, 14, 16, 5, 5, 1, 1, 0, 0};
  const struct cnn_conv_problem lenet_c2 = problem_of(&narrow);
  for (int pass = CNN_CONV_FORWARD; pass <= CNN_CONV_BACKWARD_WEIGHTS; pass++) {
    CHECK_OK(cnn_conv_algo_choose(ctx, NULL, &lenet_c2, (cnn_conv_pass)pass, &chosen));
    /* Row slots of this ISA: 10 of round_up(10, VL) lanes, against 10 of 14. */
    const int rvl = ctx->kernels->conv_direct_rows_vl, slot_lanes = (10 + rvl - 1) / rvl * rvl;
    const char *want = pass != CNN_CONV_FORWARD                 ? "direct"
                       : 10 * 14 >= 10 * slot_lanes              ? "direct_rows"
                                                                 : "direct_k";
    CHECK(chosen && strcmp(chosen->name, want) == 0, "auto lenet_c2 pass %d: %s", pass,
          chosen ? chosen->name : "none");
  }
  /* Backward-data on row slots for fewer channels than the main tile's
   * rows, where at least half their products are real: one channel 5x5
   * over 28x28 (simple_c1: 24x24 of 28 rows of 32), not 6 channels over
   * 14x14 (lenet_c2), nor one channel over 12x12 with 16 filters in the
   * filter lanes (8x8 of 12 rows of 16). */
  const struct shape first_dx = {2, 1, 28, 28, 30, 5, 5, 1, 1, 0, 0};
  const struct cnn_conv_problem first_dx_p = problem_of(&first_dx);
  const struct shape small_dx = {2, 1, 12, 12, 16, 5, 5, 1, 1, 0, 0};
  const struct cnn_conv_problem small_dx_p = problem_of(&small_dx);
  const int main_mr = ctx->kernels->conv_direct_rows[0].mr;
  CHECK(cnn_conv_direct_rows_backward_data_suits(ctx, &first_dx_p) == (main_mr > 1),
        "row-slot backward-data for one channel over 28x28");
  CHECK(!cnn_conv_direct_rows_backward_data_suits(ctx, &lenet_c2),
        "no row-slot backward-data for 6 channels over 14x14");
  CHECK(cnn_conv_direct_rows_backward_data_suits(ctx, &small_dx_p) ==
            (main_mr > 1 && !cnn_conv_dgrad_kv_suits(ctx, &small_dx_p)),
        "row-slot backward-data for one channel over 12x12 only without the filter lanes");
  const struct shape pw = {2, 8, 5, 5, 4, 1, 1, 1, 1, 0, 0};
  const struct cnn_conv_problem pointwise = problem_of(&pw);
  CHECK_OK(cnn_conv_algo_choose(ctx, NULL, &pointwise, CNN_CONV_BACKWARD_DATA, &chosen));
  CHECK(chosen && strcmp(chosen->name, "im2col") == 0, "auto 1x1 backward-data: %s",
        chosen ? chosen->name : "none");
  /* Strided 1x1 (ResNet's downsampling): im2col's subsampled column matrix
   * forward and backward-data, the direct weight gradient. */
  const struct shape ds = {2, 8, 10, 10, 16, 1, 1, 2, 2, 0, 0};
  const struct cnn_conv_problem downsample = problem_of(&ds);
  for (int pass = CNN_CONV_FORWARD; pass <= CNN_CONV_BACKWARD_WEIGHTS; pass++) {
    CHECK_OK(cnn_conv_algo_choose(ctx, NULL, &downsample, (cnn_conv_pass)pass, &chosen));
    const char *want = pass == CNN_CONV_BACKWARD_WEIGHTS ? "direct" : "im2col";
    CHECK(chosen && strcmp(chosen->name, want) == 0, "auto strided 1x1 pass %d: %s", pass,
          chosen ? chosen->name : "none");
  }
}

int main(void) {
  cnn_context *ctx;
  CHECK_OK(cnn_context_create(1, &ctx));
  if (!ctx) return test_finish("test_conv_algos");
  test_choice(ctx);
  test_grid(ctx);
  test_uniform(ctx);
  test_determinism(ctx);
  test_backward_data_threads(ctx);
  test_backward_weights_threads(ctx);
  cnn_context_free(ctx);
  return test_finish("test_conv_algos");
}
