/* cnn_sgemm_packed on an A, a B or both packed once by cnn_gemm_pack_a /
 * _b (in 1, 2 or 3 parts, as threads split it) gives the bits of
 * cnn_sgemm, for every ISA
 * this CPU runs: random floats (so a different order of any sum would
 * show), m from 1 to past a row tile, n on and off the column tile, k
 * from 1 to several depth blocks, every transpose, alpha/beta, and C full
 * of NaN when beta == 0 (alpha 1 wherever A is packed). Tolerance: none
 * (bit-equal). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gemm/gemm.h"
#include "runtime/memory.h"
#include "testutil.h"

enum packed { PACKED_A = 1, PACKED_B = 2 };

static void check(cnn_context *ctx, test_rng *rng, size_t m, size_t n, size_t k, int ta,
                  int tb, float alpha, float beta, int parts, unsigned packed) {
  const size_t lda = ta ? m : k, ldb = tb ? k : n, ldc = n;
  float *a = cnn_alloc(m * k, sizeof(float), "a"), *b = cnn_alloc(k * n, sizeof(float), "b");
  float *want = cnn_alloc(m * n, sizeof(float), "want"), *got = cnn_alloc(m * n, sizeof(float), "got");
  float *pa = cnn_alloc(cnn_gemm_packed_a_floats(ctx, m, k), sizeof(float), "packed a");
  float *pb = cnn_alloc(cnn_gemm_packed_b_floats(ctx, k, n), sizeof(float), "packed b");
  CHECK(a && b && want && got && pa && pb, "out of memory");
  if (a && b && want && got && pa && pb) {
    test_fill_uniform(rng, a, m * k, -1, 1);
    test_fill_uniform(rng, b, k * n, -1, 1);
    test_fill_uniform(rng, want, m * n, -1, 1);
    if (beta == 0.0f)
      for (size_t i = 0; i < m * n; i++) want[i] = NAN;
    memcpy(got, want, m * n * sizeof(float));
    for (int part = 0; part < parts; part++) {
      cnn_gemm_pack_a(ctx, ta, m, k, a, lda, part, parts, pa);
      cnn_gemm_pack_b(ctx, tb, k, n, b, ldb, part, parts, pb);
    }
    cnn_sgemm(ctx, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, want, ldc);
    cnn_sgemm_packed(ctx, ta, tb, m, n, k, alpha, a, lda, packed & PACKED_A ? pa : NULL, b,
                     ldb, packed & PACKED_B ? pb : NULL, beta, got, ldc);
    char what[160];
    snprintf(what, sizeof what,
             "%s m=%zu n=%zu k=%zu ta=%d tb=%d alpha=%g beta=%g parts=%d packed %s%s",
             cnn_isa_name(cnn_context_isa(ctx)), m, n, k, ta, tb, (double)alpha, (double)beta,
             parts, packed & PACKED_A ? "A" : "", packed & PACKED_B ? "B" : "");
    test_equal(what, got, want, m * n);
  }
  cnn_free(a);
  cnn_free(b);
  cnn_free(want);
  cnn_free(got);
  cnn_free(pa);
  cnn_free(pb);
}

int main(void) {
  static const size_t ms[] = {1, 2, 5, 6, 7, 9, 13, 33, 64};
  static const size_t ns[] = {1, 10, 17, 32, 84, 121};
  static const size_t ks[] = {1, 7, 150, 400, 1100};
  test_rng rng = test_rng_seeded(5);
  for (int run = 0; run < 2 * CNN_ISA_COUNT; run++) {
    const int isa = run / 2, threads = 1 + run % 2;
    if (!cnn_isa_supported((cnn_isa)isa)) continue;
    cnn_context *ctx = NULL;
    CHECK_OK(cnn_context_create(threads, &ctx));
    if (!ctx) continue;
    CHECK_OK(cnn_context_set_isa(ctx, (cnn_isa)isa));
    for (size_t i = 0; i < sizeof ms / sizeof ms[0]; i++)
      for (size_t j = 0; j < sizeof ns / sizeof ns[0]; j++)
        for (size_t l = 0; l < sizeof ks / sizeof ks[0]; l++) {
          const int variant = (int)(i + j + l) % 4;
          const unsigned packed = 1 + (unsigned)(i + 2 * j + l) % 3; /* A, B or both */
          check(ctx, &rng, ms[i], ns[j], ks[l], variant & 1, variant >> 1, 1.0f, 0.0f,
                1 + (int)(i % 3), packed);
          check(ctx, &rng, ms[i], ns[j], ks[l], variant >> 1, variant & 1,
                packed & PACKED_A ? 1.0f : 0.5f, 1.0f, 1 + (int)(j % 3), packed);
        }
    cnn_context_free(ctx);
  }
  return test_finish("test_gemm_packed");
}
