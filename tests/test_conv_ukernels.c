/* Every direct-convolution micro-kernel of the register lists against its
 * scalar twin on the same inputs: conv_direct over row counts 1..MR, every
 * tile width 1..NR and step counts 1 to 300, overwriting a C pre-filled with
 * NaN and accumulating; conv_direct_k likewise over channel counts and
 * position counts; conv_direct_rows over channel counts 1..MR, slot
 * counts 1..NV, every lane count of a slot, with and without the bias and
 * the ReLU, writing nothing outside its slots;
 * conv_wgrad_kv over every tile shape, column steps 1 and 2, and small
 * images, reading dy beside another block of filters, with and without
 * the bias gradient (exact: plain adds in the twin's order); its pack of dy over
 * filter counts and positions around the transpose blocks (against the
 * layout itself); conv_dgrad_cv
 * over every segment width, filter width 1..5 and partial channel blocks,
 * leaving C untouched beside its result; conv_dgrad_kv over every tile up
 * to MC x NJ, 1 to 3 filter vectors, filter rows and taps, leaving C
 * untouched beside its result.
 * Every scalar twin is also checked against the sums of kernels/ukernels.h,
 * computed here in double: that is the only check of the scalar rows of the
 * register lists, whose kernel is its own twin (comparing the two would
 * prove nothing, so it is not done).
 * Tolerance: 1e-5 relative to the sum of |products| and of the C value
 * accumulated onto (the SIMD kernels fuse multiply-adds and sum in lanes);
 * the packs must copy exactly. ISAs this CPU cannot run are reported as
 * skipped. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kernels/ukernels.h"
#include "testutil.h"

enum { X_LEN = 1 << 16 };

static int runnable(cnn_isa isa) { return cnn_kernels_for(isa) != NULL; }

/* |got - want| <= 1e-5 * scale + 1e-6 for the first n of each row. */
static void compare_rows(const char *what, const float *got, const float *want,
                         const float *scale, size_t rows, size_t n, size_t ld) {
  for (size_t i = 0; i < rows; i++)
    for (size_t j = 0; j < n; j++) {
      const size_t at = i * ld + j;
      const double tol = 1e-5 * scale[at] + 1e-6;
      if (!(fabs((double)got[at] - want[at]) <= tol)) {
        CHECK(0, "%s: row %zu col %zu: got %.9g want %.9g (tol %g)", what, i, j, got[at],
              want[at], tol);
        return;
      }
    }
  test_checks++;
}

/* The checks of one call: the kernel against its twin (unless it is its
 * own twin, a scalar row), and the twin against the sums in double. */
static void compare_all(const char *what, int own_twin, const float *got,
                        const float *twin, const float *sums, const float *scale,
                        size_t rows, size_t n, size_t ld) {
  char label[256];
  if (!own_twin) compare_rows(what, got, twin, scale, rows, n, ld);
  snprintf(label, sizeof label, "%.200s, its scalar twin against the sums", what);
  compare_rows(label, twin, sums, scale, rows, n, ld);
}

static void test_direct(cnn_isa isa, cnn_f32_conv_direct_ukernel_fn kernel,
                        cnn_f32_conv_direct_ukernel_fn twin, int mr_max, int nr_max,
                        const char *name, test_rng *rng) {
  float *x = malloc(sizeof(float) * X_LEN), *a = aligned_alloc(64, sizeof(float) * 300 * 8);
  float *c = malloc(sizeof(float) * 8 * 80), *ref = malloc(sizeof(float) * 8 * 80);
  float *sums = malloc(sizeof(float) * 8 * 80), *scale = malloc(sizeof(float) * 8 * 80);
  int32_t rows[300];
  test_fill_uniform(rng, x, X_LEN, -1, 1);
  test_fill_uniform(rng, a, 300 * 8, -1, 1);
  static const size_t kds[] = {1, 2, 7, 33, 300};
  for (size_t ki = 0; ki < sizeof kds / sizeof kds[0]; ki++)
    for (int mr = 1; mr <= mr_max; mr++)
      for (int nr = 1; nr <= nr_max; nr++) {
        const size_t kd = kds[ki];
        for (size_t p = 0; p < kd; p++) rows[p] = test_rng_int(rng, 0, X_LEN - 2 * nr_max);
        for (int accumulate = 0; accumulate <= 1; accumulate++) {
          for (int i = 0; i < 8 * 80; i++) c[i] = ref[i] = accumulate ? (float)(i % 7) : NAN;
          for (int i = 0; i < mr; i++)
            for (int j = 0; j < nr; j++) {
              const double c0 = accumulate ? c[i * 80 + j] : 0; /* what C holds */
              double sum = c0, magnitude = fabs(c0);
              for (size_t p = 0; p < kd; p++) {
                const double product = (double)a[p * mr_max + i] * x[rows[p] + j];
                sum += product, magnitude += fabs(product);
              }
              sums[i * 80 + j] = (float)sum, scale[i * 80 + j] = (float)magnitude;
            }
          kernel((size_t)mr, (size_t)nr, kd, a, x, rows, c, 80, accumulate);
          twin((size_t)mr, (size_t)nr, kd, a, x, rows, ref, 80, accumulate);
          char what[128];
          snprintf(what, sizeof what, "%s (%s) mr %d nr %d kd %zu acc %d", name,
                   cnn_isa_name(isa), mr, nr, kd, accumulate);
          compare_all(what, kernel == twin, c, ref, sums, scale, (size_t)mr, (size_t)nr, 80);
        }
      }
  free(x), free(a), free(c), free(ref), free(sums), free(scale);
}

/* conv_direct_k over channel counts around every vector width and all
 * position counts, into a C larger than the tile: nothing outside the
 * mr x nr tile may be written. Steps read up to the last float of x. */
static void test_direct_k(cnn_isa isa, cnn_f32_conv_direct_k_ukernel_fn kernel,
                          cnn_f32_conv_direct_k_ukernel_fn twin, int mr_max, int nr_max,
                          const char *name, test_rng *rng) {
  enum { LDC = 27, ROWS = 67, KD_MAX = 300 };
  float *x = malloc(sizeof(float) * X_LEN);
  float *a = aligned_alloc(64, sizeof(float) * KD_MAX * 64);
  float *c = malloc(sizeof(float) * ROWS * LDC), *ref = malloc(sizeof(float) * ROWS * LDC);
  float *sums = malloc(sizeof(float) * ROWS * LDC), *scale = malloc(sizeof(float) * ROWS * LDC);
  int32_t rows[KD_MAX];
  test_fill_uniform(rng, x, X_LEN, -1, 1);
  static const size_t kds[] = {1, 2, 7, 33, KD_MAX};
  static const int mrs[] = {1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 24, 31, 32, 33, 47, 48, 49, 63, 64};
  for (size_t ki = 0; ki < sizeof kds / sizeof kds[0]; ki++)
    for (size_t mi = 0; mi < sizeof mrs / sizeof mrs[0] && mrs[mi] <= mr_max; mi++)
      for (int nr = 1; nr <= nr_max; nr++) {
        const size_t kd = kds[ki];
        const int mr = mrs[mi];
        /* Zero past the real channels, as the drivers pack. */
        for (size_t p = 0; p < kd; p++)
          for (int i = 0; i < mr_max; i++)
            a[p * mr_max + i] = i < mr ? (float)test_rng_int(rng, -1000, 1000) / 1000 : 0.0f;
        for (size_t p = 0; p < kd; p++) rows[p] = test_rng_int(rng, 0, X_LEN - nr);
        rows[kd - 1] = X_LEN - nr;
        for (int accumulate = 0; accumulate <= 1; accumulate++) {
          for (int i = 0; i < ROWS * LDC; i++) c[i] = ref[i] = accumulate ? (float)(i % 7) : NAN;
          for (int i = 0; i < mr; i++)
            for (int j = 0; j < nr; j++) {
              const double c0 = accumulate ? c[i * LDC + j] : 0;
              double sum = c0, magnitude = fabs(c0);
              for (size_t p = 0; p < kd; p++) {
                const double product = (double)a[p * mr_max + i] * x[rows[p] + j];
                sum += product, magnitude += fabs(product);
              }
              sums[i * LDC + j] = (float)sum, scale[i * LDC + j] = (float)magnitude;
            }
          kernel((size_t)mr, (size_t)nr, kd, a, x, rows, c, LDC, accumulate);
          twin((size_t)mr, (size_t)nr, kd, a, x, rows, ref, LDC, accumulate);
          char what[128];
          snprintf(what, sizeof what, "%s (%s) mr %d nr %d kd %zu acc %d", name,
                   cnn_isa_name(isa), mr, nr, kd, accumulate);
          compare_all(what, kernel == twin, c, ref, sums, scale, (size_t)mr, (size_t)nr, LDC);
          int outside = 0;
          for (int i = 0; i < ROWS * LDC; i++)
            if (i / LDC >= mr || i % LDC >= nr)
              outside += accumulate ? c[i] != (float)(i % 7) : !isnan(c[i]);
          CHECK(outside == 0, "%s: %d floats outside the tile written", what, outside);
        }
      }
  free(x), free(a), free(c), free(ref), free(sums), free(scale);
}

static void test_wgrad_kv(cnn_isa isa, cnn_f32_conv_wgrad_kv_ukernel_fn kernel,
                          cnn_f32_conv_wgrad_kv_ukernel_fn twin, int lanes, int max_taps,
                          const char *name, test_rng *rng) {
  enum { C_ROW = 8 * 64, C_LEN = 5 * C_ROW };
  float *x = malloc(sizeof(float) * X_LEN), *dy = malloc(sizeof(float) * X_LEN);
  float *c = malloc(sizeof(float) * C_LEN), *ref = malloc(sizeof(float) * C_LEN);
  float *sums = malloc(sizeof(float) * C_LEN), *scale = malloc(sizeof(float) * C_LEN);
  test_fill_uniform(rng, x, X_LEN, -1, 1);
  test_fill_uniform(rng, dy, X_LEN, -1, 1);
  static const size_t sizes[][3] = {{1, 1, 1}, {1, 3, 7}, {3, 5, 4}, {2, 10, 10}};
  for (size_t si = 0; si < sizeof sizes / sizeof sizes[0]; si++)
    for (size_t step = 1; step <= 2; step++)
      for (size_t nrow = 1; nrow <= CNN_WGRAD_KV_MAX_ROWS; nrow++)
        for (size_t ns = 1; ns <= CNN_WGRAD_KV_MAX_NS && nrow * ns <= (size_t)max_taps; ns++) {
          /* dy with a position stride wider than the lanes (another block of
           * filters beside them); C with gaps between rows and taps. */
          const struct cnn_conv_wgrad_kv_geometry g = {
              .batch = sizes[si][0], .oh = sizes[si][1], .ow = sizes[si][2],
              .ld_pos = (size_t)lanes * 2, .dy_batch = 2 * (size_t)lanes * 100,
              .x_batch = 3000, .x_row = 40, .x_step = step, .c_row = C_ROW, .c_tap = 64};
          int32_t rows[CNN_WGRAD_KV_MAX_ROWS];
          for (size_t q = 0; q < nrow; q++) rows[q] = test_rng_int(rng, 0, 2000);
          for (int accumulate = 0; accumulate <= 1; accumulate++) {
            for (int i = 0; i < C_LEN; i++) c[i] = ref[i] = accumulate ? (float)(i % 5) : NAN;
            /* The bias gradient on every other tile shape; its sums are
             * plain adds in the same order, so it must match exactly. */
            const int with_bias = (nrow + ns) % 2 == 0;
            float bias[32], bias_ref[32], bias_sums[32], bias_scale[32];
            for (int i = 0; i < 32; i++) bias[i] = bias_ref[i] = accumulate ? (float)i : NAN;
            for (int i = 0; i < lanes; i++) {
              const double b0 = accumulate ? bias[i] : 0;
              double sum = b0, magnitude = fabs(b0);
              for (size_t b = 0; b < g.batch; b++)
                for (size_t o = 0; o < g.oh * g.ow; o++) {
                  const double v = dy[lanes + b * g.dy_batch + o * g.ld_pos + i];
                  sum += v, magnitude += fabs(v);
                }
              bias_sums[i] = (float)sum, bias_scale[i] = (float)magnitude;
            }
            for (size_t q = 0; q < nrow; q++)
              for (size_t t = 0; t < ns; t++)
                for (int i = 0; i < lanes; i++) {
                  const size_t at = q * C_ROW + t * 64 + i;
                  const double c0 = accumulate ? c[at] : 0;
                  double sum = c0, magnitude = fabs(c0);
                  for (size_t b = 0; b < g.batch; b++)
                    for (size_t o = 0; o < g.oh * g.ow; o++) {
                      const double product =
                          (double)dy[lanes + b * g.dy_batch + o * g.ld_pos + i] *
                          x[b * g.x_batch + rows[q] + o / g.ow * g.x_row + o % g.ow * step + t];
                      sum += product, magnitude += fabs(product);
                    }
                  sums[at] = (float)sum, scale[at] = (float)magnitude;
                }
            kernel(&g, dy + lanes, x, rows, nrow, ns, c, with_bias ? bias : NULL, accumulate);
            twin(&g, dy + lanes, x, rows, nrow, ns, ref, with_bias ? bias_ref : NULL, accumulate);
            char what[160];
            snprintf(what, sizeof what, "%s (%s) %zux%zux%zu step %zu tile %zux%zu acc %d",
                     name, cnn_isa_name(isa), g.batch, g.oh, g.ow, step, nrow, ns, accumulate);
            if (with_bias) { /* exact against the twin, so only the sums here */
              char label[200];
              snprintf(label, sizeof label, "%s bias gradient", what);
              if (kernel != twin) test_equal(label, bias, bias_ref, (size_t)lanes);
              compare_all(label, 1, bias, bias_ref, bias_sums, bias_scale, 1, (size_t)lanes,
                          (size_t)lanes);
            }
            /* Rows of compare_rows: (q, t) pairs, each `lanes` wide. */
            for (size_t q = 0; q < nrow; q++)
              compare_all(what, kernel == twin, c + q * C_ROW, ref + q * C_ROW,
                          sums + q * C_ROW, scale + q * C_ROW, ns, (size_t)lanes, 64);
          }
        }
  free(x), free(dy), free(c), free(ref), free(sums), free(scale);
}

static void test_wgrad_kv_pack(cnn_isa isa, cnn_f32_conv_wgrad_kv_pack_fn pack,
                               const char *name, test_rng *rng) {
  float *src = malloc(sizeof(float) * X_LEN);
  float *got = malloc(sizeof(float) * 40 * 300), *want = malloc(sizeof(float) * 40 * 300);
  test_fill_uniform(rng, src, X_LEN, -1, 1);
  static const size_t cases[][3] = {{1, 1, 8}, {6, 100, 8}, {16, 9, 16}, {30, 67, 32},
                                    {13, 300, 40}};
  for (size_t ci = 0; ci < sizeof cases / sizeof cases[0]; ci++) {
    const size_t k = cases[ci][0], positions = cases[ci][1], ld_pos = cases[ci][2];
    for (size_t i = 0; i < 40 * 300; i++) got[i] = NAN;
    pack(k, positions, src, 301, ld_pos, got);
    /* The layout of kernels/ukernels.h, written out (the scalar pack is
     * itself one of the packs under test). */
    for (size_t o = 0; o < positions; o++)
      for (size_t i = 0; i < ld_pos; i++) want[o * ld_pos + i] = i < k ? src[i * 301 + o] : 0.0f;
    char what[128];
    snprintf(what, sizeof what, "%s (%s) k %zu positions %zu ld %zu", name,
             cnn_isa_name(isa), k, positions, ld_pos);
    test_equal(what, got, want, positions * ld_pos);
  }
  free(src), free(got), free(want);
}

static void test_dgrad_cv(cnn_isa isa, cnn_f32_conv_dgrad_cv_ukernel_fn kernel,
                          cnn_f32_conv_dgrad_cv_ukernel_fn twin, int lanes, int jmax,
                          const char *name, test_rng *rng) {
  enum { LDC = 24, STEPS_MAX = 17 };
  float *x = malloc(sizeof(float) * X_LEN);
  float *a = malloc(sizeof(float) * STEPS_MAX * CNN_DGRAD_CV_MAX_S * 32);
  float *c = malloc(sizeof(float) * 32 * LDC), *ref = malloc(sizeof(float) * 32 * LDC);
  float *sums = malloc(sizeof(float) * 32 * LDC), *scale = malloc(sizeof(float) * 32 * LDC);
  int32_t rows[STEPS_MAX];
  test_fill_uniform(rng, x, X_LEN, -1, 1);
  test_fill_uniform(rng, a, STEPS_MAX * CNN_DGRAD_CV_MAX_S * 32, -1, 1);
  static const size_t step_counts[] = {1, 3, STEPS_MAX};
  const size_t ncs[] = {1, (size_t)lanes / 2 + 1, (size_t)lanes};
  for (size_t si = 0; si < 3; si++)
    for (size_t taps = 1; taps <= CNN_DGRAD_CV_MAX_S; taps++)
      for (size_t nj = 1; nj <= (size_t)jmax; nj++)
        for (size_t ci = 0; ci < 3; ci++) {
          const size_t steps = step_counts[si], nc = ncs[ci];
          for (size_t t = 0; t < steps; t++) rows[t] = test_rng_int(rng, 0, 4000);
          /* Beside the nc x nj result, C must stay NaN. */
          for (int i = 0; i < 32 * LDC; i++) c[i] = ref[i] = NAN;
          /* A window of real source values, zeros around it. */
          const size_t u_lo = ci, u_hi = nj + taps - 1 > si ? nj + taps - 1 - si : 0;
          for (size_t t = 0; t < steps; t++)
            for (size_t u = 0; u < nj + taps + 1; u++)
              x[rows[t] + u] = u < u_lo || u >= u_hi ? 0.0f : x[rows[t] + u];
          kernel(nc, nj, steps, taps, u_lo, u_hi, a, x, rows, c, LDC);
          twin(nc, nj, steps, taps, u_lo, u_hi, a, x, rows, ref, LDC);
          for (size_t ch = 0; ch < (size_t)lanes; ch++)
            for (size_t j = 0; j < LDC; j++) {
              double sum = 0, magnitude = 0;
              for (size_t t = 0; ch < nc && j < nj && t < steps; t++)
                for (size_t s = 0; s < taps; s++) {
                  const double product =
                      (double)a[(t * taps + s) * lanes + ch] * x[rows[t] + j + s];
                  sum += product, magnitude += fabs(product);
                }
              sums[ch * LDC + j] = (float)sum, scale[ch * LDC + j] = (float)magnitude;
            }
          char what[160];
          snprintf(what, sizeof what, "%s (%s) nc %zu nj %zu steps %zu S %zu", name,
                   cnn_isa_name(isa), nc, nj, steps, taps);
          compare_all(what, kernel == twin, c, ref, sums, scale, nc, nj, LDC);
          int untouched = 1;
          for (size_t ch = 0; ch < (size_t)lanes; ch++)
            for (size_t j = 0; j < LDC; j++)
              if ((ch >= nc || j >= nj) && !isnan(c[ch * LDC + j])) untouched = 0;
          CHECK(untouched, "%s: wrote outside the nc x nj result", what);
        }
  free(x), free(a), free(c), free(ref), free(sums), free(scale);
}

/* conv_dgrad_kv: every tile nc x nj up to MC x NJ, filter runs of 1 to 3
 * vectors, 1, 2 and 5 filter rows, 1, 3 and 5 taps, odd strides between
 * rows and channels; C pre-filled with NaN must stay NaN beside the
 * result. */
static void test_dgrad_kv(cnn_isa isa, cnn_f32_conv_dgrad_kv_ukernel_fn kernel,
                          cnn_f32_conv_dgrad_kv_ukernel_fn twin, int lanes, int mc, int jmax,
                          const char *name, test_rng *rng) {
  enum { LDC = 7, C_ROWS = 8 };
  float *x = malloc(sizeof(float) * X_LEN), *a = malloc(sizeof(float) * X_LEN);
  float *c = malloc(sizeof(float) * C_ROWS * LDC), *ref = malloc(sizeof(float) * C_ROWS * LDC);
  float *sums = malloc(sizeof(float) * C_ROWS * LDC);
  float *scale = malloc(sizeof(float) * C_ROWS * LDC);
  test_fill_uniform(rng, x, X_LEN, -1, 1);
  test_fill_uniform(rng, a, X_LEN, -1, 1);
  static const size_t row_counts[] = {1, 2, 5}, tap_counts[] = {1, 3, 5};
  for (size_t kv = 1; kv <= 3; kv++)
    for (size_t ri = 0; ri < 3; ri++)
      for (size_t si = 0; si < 3; si++)
        for (size_t nc = 1; nc <= (size_t)mc; nc++)
          for (size_t nj = 1; nj <= (size_t)jmax; nj++) {
            const size_t kl = kv * (size_t)lanes, nr = row_counts[ri], ns = tap_counts[si];
            const struct cnn_conv_dgrad_kv_geometry g = {
                .kl = kl, .x_row = (nj + ns + 1) * kl + 3, .a_row = 5 * kl + 1,
                .a_c = 5 * (5 * kl + 1) + 5};
            for (int i = 0; i < C_ROWS * LDC; i++) c[i] = ref[i] = NAN;
            kernel(&g, nc, nj, nr, ns, a, x, c, LDC);
            twin(&g, nc, nj, nr, ns, a, x, ref, LDC);
            for (size_t ch = 0; ch < C_ROWS; ch++)
              for (size_t j = 0; j < LDC; j++) {
                double sum = 0, magnitude = 0;
                for (size_t r = 0; ch < nc && j < nj && r < nr; r++)
                  for (size_t q = 0; q < ns * kl; q++) {
                    const double product =
                        (double)x[r * g.x_row + j * kl + q] * a[ch * g.a_c + r * g.a_row + q];
                    sum += product, magnitude += fabs(product);
                  }
                sums[ch * LDC + j] = (float)sum, scale[ch * LDC + j] = (float)magnitude;
              }
            char what[160];
            snprintf(what, sizeof what, "%s (%s) nc %zu nj %zu nr %zu ns %zu kl %zu", name,
                     cnn_isa_name(isa), nc, nj, nr, ns, kl);
            compare_all(what, kernel == twin, c, ref, sums, scale, nc, nj, LDC);
            int untouched = 1;
            for (size_t ch = 0; ch < C_ROWS; ch++)
              for (size_t j = 0; j < LDC; j++)
                if ((ch >= nc || j >= nj) && !isnan(c[ch * LDC + j])) untouched = 0;
            CHECK(untouched, "%s: wrote outside the nc x nj result", what);
          }
  free(x), free(a), free(c), free(ref), free(sums), free(scale);
}

/* conv_direct_rows: slots at random source offsets (reading whole
 * vectors, up to the last float of x), spaced apart in y with a gap that
 * must stay untouched; every lane count 1..VL; bias NULL or not; ReLU or
 * not. */
static void test_direct_rows(cnn_isa isa, cnn_f32_conv_direct_rows_ukernel_fn kernel,
                             cnn_f32_conv_direct_rows_ukernel_fn twin, int mr_max, int nv_max,
                             int vl, const char *name, test_rng *rng) {
  enum { KD_MAX = 300, SENTINEL = 12345 };
  const size_t gap = 3, ldy = (size_t)nv_max * (vl + gap) + 5;
  float *x = malloc(sizeof(float) * X_LEN), *a = aligned_alloc(64, sizeof(float) * KD_MAX * 8);
  float *y = malloc(sizeof(float) * 8 * ldy), *ref = malloc(sizeof(float) * 8 * ldy);
  float *sums = malloc(sizeof(float) * 8 * ldy), *scale = malloc(sizeof(float) * 8 * ldy);
  float bias[8];
  int32_t rows[KD_MAX];
  struct cnn_conv_direct_rows_slot slots[16];
  test_fill_uniform(rng, x, X_LEN, -1, 1);
  test_fill_uniform(rng, a, KD_MAX * 8, -1, 1);
  test_fill_uniform(rng, bias, 8, -1, 1);
  static const size_t kds[] = {1, 2, 7, 25, 33, KD_MAX};
  for (size_t ki = 0; ki < sizeof kds / sizeof kds[0]; ki++)
    for (int mr = 1; mr <= mr_max; mr++)
      for (int nv = 1; nv <= nv_max; nv++)
        for (int n = 1; n <= vl; n++)
          for (int variant = 0; variant < 4; variant++) {
            const size_t kd = kds[ki];
            const int with_bias = variant & 1, relu = variant >> 1;
            for (size_t p = 0; p < kd; p++) rows[p] = test_rng_int(rng, 0, X_LEN / 2);
            for (int v = 0; v < nv; v++) {
              /* Lane counts vary across slots: n, then full, then n again. */
              const int lanes = v % 2 ? vl : n;
              slots[v] = (struct cnn_conv_direct_rows_slot){
                  .x = test_rng_int(rng, 0, X_LEN / 2 - vl), .y = (int32_t)(v * (vl + gap)),
                  .n = lanes};
            }
            rows[kd - 1] = X_LEN / 2; /* with slot x up to X_LEN/2 - VL: the last float */
            for (size_t i = 0; i < 8 * ldy; i++) y[i] = ref[i] = SENTINEL;
            const float *b = with_bias ? bias : NULL;
            kernel((size_t)mr, (size_t)nv, kd, a, x, rows, slots, b, relu, y, ldy);
            twin((size_t)mr, (size_t)nv, kd, a, x, rows, slots, b, relu, ref, ldy);
            for (size_t i = 0; i < 8 * ldy; i++) sums[i] = SENTINEL, scale[i] = 0.0f;
            for (int i = 0; i < mr; i++)
              for (int v = 0; v < nv; v++)
                for (int l = 0; l < slots[v].n; l++) {
                  double sum = with_bias ? bias[i] : 0.0;
                  double magnitude = with_bias ? fabs(bias[i]) : 0.0;
                  for (size_t p = 0; p < kd; p++) {
                    const double product = (double)a[p * mr_max + i] * x[rows[p] + slots[v].x + l];
                    sum += product, magnitude += fabs(product);
                  }
                  const size_t at = (size_t)i * ldy + (size_t)slots[v].y + (size_t)l;
                  sums[at] = relu ? cnn_f32_relu((float)sum) : (float)sum;
                  scale[at] = (float)magnitude;
                }
            char what[160];
            snprintf(what, sizeof what, "%s (%s) mr %d nv %d n %d kd %zu bias %d relu %d",
                     name, cnn_isa_name(isa), mr, nv, n, kd, with_bias, relu);
            /* Every y element: written ones within the tolerance, others
             * still the sentinel in all three. */
            compare_all(what, kernel == twin, y, ref, sums, scale, 8, ldy, ldy);
          }
  free(x), free(a), free(y), free(ref), free(sums), free(scale);
}

int main(void) {
  test_rng rng = test_rng_seeded(5150);
  int ran = 0;
#define CNN_F32_CONV_DIRECT_UKERNEL(isa, name, twin, mr, nr) \
  if (runnable(isa)) {                                       \
    test_direct(isa, name, twin, mr, nr, #name, &rng);       \
    ran++;                                                   \
  }
#include "kernels/f32_conv_direct.inc"
#undef CNN_F32_CONV_DIRECT_UKERNEL
#define CNN_F32_CONV_DIRECT_K_UKERNEL(isa, name, twin, mr, nr, vl) \
  if (runnable(isa)) test_direct_k(isa, name, twin, mr, nr, #name, &rng);
#include "kernels/f32_conv_direct_k.inc"
#undef CNN_F32_CONV_DIRECT_K_UKERNEL
#define CNN_F32_CONV_DIRECT_ROWS_UKERNEL(isa, name, twin, mr, nv, vl) \
  if (runnable(isa)) test_direct_rows(isa, name, twin, mr, nv, vl, #name, &rng);
#include "kernels/f32_conv_direct_rows.inc"
#undef CNN_F32_CONV_DIRECT_ROWS_UKERNEL
#define CNN_F32_CONV_WGRAD_KV_UKERNEL(isa, name, twin, lanes, max_taps, pack) \
  if (runnable(isa)) {                                                      \
    test_wgrad_kv(isa, name, twin, lanes, max_taps, #name, &rng);           \
    test_wgrad_kv_pack(isa, pack, #pack, &rng);                             \
  }
#include "kernels/f32_conv_wgrad_kv.inc"
#undef CNN_F32_CONV_WGRAD_KV_UKERNEL
#define CNN_F32_CONV_DGRAD_CV_UKERNEL(isa, name, twin, lanes, jmax) \
  if (runnable(isa)) test_dgrad_cv(isa, name, twin, lanes, jmax, #name, &rng);
#include "kernels/f32_conv_dgrad_cv.inc"
#undef CNN_F32_CONV_DGRAD_CV_UKERNEL
#define CNN_F32_CONV_DGRAD_KV_UKERNEL(isa, name, twin, lanes, mc, nj) \
  if (runnable(isa)) test_dgrad_kv(isa, name, twin, lanes, mc, nj, #name, &rng);
#include "kernels/f32_conv_dgrad_kv.inc"
#undef CNN_F32_CONV_DGRAD_KV_UKERNEL
  if (ran <= 1) {
    printf("test_conv_ukernels: no SIMD kernel runnable here\n");
    return TEST_SKIP;
  }
  return test_finish("test_conv_ukernels");
}
