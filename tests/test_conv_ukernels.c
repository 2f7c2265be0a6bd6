/* Every direct-convolution micro-kernel of the register lists against its
 * scalar twin on the same inputs: conv_direct over row counts 1..MR, tile
 * widths 1..NR and step counts 1 to 300, overwriting a C pre-filled with
 * NaN and accumulating; conv_direct_k likewise over channel counts and
 * position counts; conv_wgrad over lengths around the vector width
 * and batches of 1 and 3; conv_pack over depths around the block of 16.
 * Tolerance: 1e-5 relative to the sum of |products| (the SIMD kernels fuse
 * multiply-adds and sum in lanes); pack must copy exactly. ISAs this CPU
 * cannot run are reported as skipped. */
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

static void test_direct(cnn_isa isa, cnn_f32_conv_direct_ukernel_fn kernel,
                        cnn_f32_conv_direct_ukernel_fn twin, int mr_max, int nr_max,
                        const char *name, test_rng *rng) {
  float *x = malloc(sizeof(float) * X_LEN), *a = aligned_alloc(64, sizeof(float) * 300 * 8);
  float *c = malloc(sizeof(float) * 8 * 80), *ref = malloc(sizeof(float) * 8 * 80);
  float *scale = malloc(sizeof(float) * 8 * 80);
  int32_t rows[300];
  test_fill_uniform(rng, x, X_LEN, -1, 1);
  test_fill_uniform(rng, a, 300 * 8, -1, 1);
  static const size_t kds[] = {1, 2, 7, 33, 300};
  for (size_t ki = 0; ki < sizeof kds / sizeof kds[0]; ki++)
    for (int mr = 1; mr <= mr_max; mr++)
      for (int nr = 1; nr <= nr_max; nr += nr < 4 ? 1 : 7) {
        const size_t kd = kds[ki];
        for (size_t p = 0; p < kd; p++) rows[p] = test_rng_int(rng, 0, X_LEN - 2 * nr_max);
        for (int accumulate = 0; accumulate <= 1; accumulate++) {
          for (int i = 0; i < 8 * 80; i++) c[i] = ref[i] = accumulate ? (float)(i % 7) : NAN;
          kernel((size_t)mr, (size_t)nr, kd, a, x, rows, c, 80, accumulate);
          twin((size_t)mr, (size_t)nr, kd, a, x, rows, ref, 80, accumulate);
          for (int i = 0; i < mr; i++)
            for (int j = 0; j < nr; j++) {
              double sum = accumulate ? fabs((double)(80 * i + j) / 7) + 7 : 0;
              for (size_t p = 0; p < kd; p++)
                sum += fabs((double)a[p * mr_max + i] * x[rows[p] + j]);
              scale[i * 80 + j] = (float)sum;
            }
          char what[128];
          snprintf(what, sizeof what, "%s (%s) mr %d nr %d kd %zu acc %d", name,
                   cnn_isa_name(isa), mr, nr, kd, accumulate);
          compare_rows(what, c, ref, scale, (size_t)mr, (size_t)nr, 80);
        }
      }
  free(x), free(a), free(c), free(ref), free(scale);
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
  float *scale = malloc(sizeof(float) * ROWS * LDC);
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
          kernel((size_t)mr, (size_t)nr, kd, a, x, rows, c, LDC, accumulate);
          twin((size_t)mr, (size_t)nr, kd, a, x, rows, ref, LDC, accumulate);
          for (int i = 0; i < mr; i++)
            for (int j = 0; j < nr; j++) {
              double sum = accumulate ? 7 : 0;
              for (size_t p = 0; p < kd; p++)
                sum += fabs((double)a[p * mr_max + i] * x[rows[p] + j]);
              scale[i * LDC + j] = (float)sum;
            }
          char what[128];
          snprintf(what, sizeof what, "%s (%s) mr %d nr %d kd %zu acc %d", name,
                   cnn_isa_name(isa), mr, nr, kd, accumulate);
          compare_rows(what, c, ref, scale, (size_t)mr, (size_t)nr, LDC);
          int outside = 0;
          for (int i = 0; i < ROWS * LDC; i++)
            if (i / LDC >= mr || i % LDC >= nr)
              outside += accumulate ? c[i] != (float)(i % 7) : !isnan(c[i]);
          CHECK(outside == 0, "%s: %d floats outside the tile written", what, outside);
        }
      }
  free(x), free(a), free(c), free(ref), free(scale);
}

static void test_wgrad(cnn_isa isa, cnn_f32_conv_wgrad_ukernel_fn kernel,
                       cnn_f32_conv_wgrad_ukernel_fn twin, int mr, int nr, const char *name,
                       test_rng *rng) {
  float *x = malloc(sizeof(float) * X_LEN), *dy = malloc(sizeof(float) * X_LEN);
  float c[64], ref[64], scale[64];
  int32_t rows[16];
  test_fill_uniform(rng, x, X_LEN, -1, 1);
  test_fill_uniform(rng, dy, X_LEN, -1, 1);
  static const size_t lens[] = {1, 3, 4, 8, 15, 16, 17, 100};
  for (size_t li = 0; li < sizeof lens / sizeof lens[0]; li++)
    for (size_t batch = 1; batch <= 3; batch += 2) {
      const size_t len = lens[li], ld = 128, dy_batch = 1024, x_batch = 4096;
      for (int j = 0; j < nr; j++) rows[j] = test_rng_int(rng, 0, 2000);
      for (int accumulate = 0; accumulate <= 1; accumulate++) {
        for (int i = 0; i < 64; i++) c[i] = ref[i] = accumulate ? (float)(i % 5) : NAN;
        kernel(batch, len, dy, ld, dy_batch, x, x_batch, rows, c, 8, accumulate);
        twin(batch, len, dy, ld, dy_batch, x, x_batch, rows, ref, 8, accumulate);
        for (int i = 0; i < mr; i++)
          for (int j = 0; j < nr; j++) {
            double sum = accumulate ? 5 : 0;
            for (size_t b = 0; b < batch; b++)
              for (size_t o = 0; o < len; o++)
                sum += fabs((double)dy[b * dy_batch + i * ld + o] * x[b * x_batch + rows[j] + o]);
            scale[i * 8 + j] = (float)sum;
          }
        char what[128];
        snprintf(what, sizeof what, "%s (%s) len %zu batch %zu acc %d", name,
                 cnn_isa_name(isa), len, batch, accumulate);
        compare_rows(what, c, ref, scale, (size_t)mr, (size_t)nr, 8);
      }
    }
  free(x), free(dy);
}

static void test_pack(cnn_isa isa, cnn_f32_conv_pack_ukernel_fn kernel,
                      cnn_f32_conv_pack_ukernel_fn twin, const char *name, test_rng *rng) {
  float *x = malloc(sizeof(float) * X_LEN);
  float *got = aligned_alloc(64, sizeof(float) * 140 * 64);
  float *want = aligned_alloc(64, sizeof(float) * 140 * 64);
  int32_t rows[64];
  test_fill_uniform(rng, x, X_LEN, -1, 1);
  static const size_t kcs[] = {1, 15, 16, 17, 140};
  for (size_t ki = 0; ki < sizeof kcs / sizeof kcs[0]; ki++)
    for (size_t nr = 16; nr <= 64; nr += 48) {
      for (size_t j = 0; j < nr; j++) rows[j] = test_rng_int(rng, 0, X_LEN - 200);
      kernel(kcs[ki], nr, x, rows, got);
      twin(kcs[ki], nr, x, rows, want);
      char what[128];
      snprintf(what, sizeof what, "%s (%s) kc %zu nr %zu", name, cnn_isa_name(isa), kcs[ki], nr);
      test_equal(what, got, want, kcs[ki] * nr);
    }
  free(x), free(got), free(want);
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
#define CNN_F32_CONV_WGRAD_UKERNEL(isa, name, twin, mr, nr) \
  if (runnable(isa)) test_wgrad(isa, name, twin, mr, nr, #name, &rng);
#include "kernels/f32_conv_wgrad.inc"
#undef CNN_F32_CONV_WGRAD_UKERNEL
#define CNN_F32_CONV_PACK_UKERNEL(isa, name, twin) \
  if (runnable(isa)) test_pack(isa, name, twin, #name, &rng);
#include "kernels/f32_conv_pack.inc"
#undef CNN_F32_CONV_PACK_UKERNEL
  if (ran <= 1) {
    printf("test_conv_ukernels: no SIMD kernel runnable here\n");
    return TEST_SKIP;
  }
  return test_finish("test_conv_ukernels");
}
