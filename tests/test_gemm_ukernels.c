/* Every GEMM micro-kernel of kernels/f32_gemm.inc that this CPU runs,
 * against its scalar twin on the same packed panels: k over 1, 2, 3, the
 * unroll (1, so 4 and 5 are past it) and 17, 64, 257; C with a row stride
 * wider than the tile (the gap must stay untouched); overwrite into a C full
 * of NaN (never read); accumulate onto random C.
 * Tolerance: the kernels fuse multiply and add, the twin rounds the product
 * first, so each element may differ by k * 2^-23 * sum_p |a_p * b_p|
 * (doubled for the reordering); small-integer panels must match exactly. */
#include <float.h>
#include <math.h>
#include <stdlib.h>

#include "kernels/ukernels.h"
#include "runtime/memory.h"
#include "testutil.h"

#define GAP 3 /* extra columns of C between rows, never written */

static const size_t depths[] = {1, 2, 3, 4, 5, 17, 64, 257};

static void check_tile(const char *name, size_t mr, size_t nr, size_t k, int accumulate,
                       int exact, const float *a, const float *b, const float *got,
                       const float *want, uint64_t seed) {
  size_t ldc = nr + GAP;
  test_checks++;
  for (size_t i = 0; i < mr; i++)
    for (size_t j = 0; j < nr + GAP; j++) {
      float g = got[i * ldc + j], w = want[i * ldc + j];
      double tol = 0.0;
      if (j < nr && !exact) {
        double bound = fabs(w);
        for (size_t p = 0; p < k; p++) bound += fabs((double)a[p * mr + i] * b[p * nr + j]);
        tol = 2.0 * (double)k * FLT_EPSILON * bound;
      }
      int ok = j < nr ? fabs((double)g - w) <= tol : g == -7.0f; /* the gap keeps its fill */
      if (!ok) {
        test_failures++;
        fprintf(stderr,
                "%s: k=%zu accumulate=%d exact=%d seed=%llu: C[%zu][%zu] got %.9g want %.9g "
                "(tolerance %.3g)\n",
                name, k, accumulate, exact, (unsigned long long)seed, i, j, g, w, tol);
        return;
      }
    }
}

static void test_kernel(const char *name, cnn_f32_gemm_ukernel_fn kernel,
                        cnn_f32_gemm_ukernel_fn twin, size_t mr, size_t nr) {
  const size_t kmax = 257, ldc = nr + GAP;
  float *a = cnn_alloc(kmax * mr, sizeof(float), "a");
  float *b = cnn_alloc(kmax * nr, sizeof(float), "b");
  float *got = cnn_alloc(mr * ldc, sizeof(float), "got");
  float *want = cnn_alloc(mr * ldc, sizeof(float), "want");
  for (size_t d = 0; d < sizeof depths / sizeof depths[0]; d++)
    for (int exact = 0; exact <= 1; exact++)
      for (int accumulate = 0; accumulate <= 1; accumulate++) {
        size_t k = depths[d];
        uint64_t seed = 1000 * k + 10 * (uint64_t)exact + (uint64_t)accumulate;
        test_rng rng = test_rng_seeded(seed);
        if (exact) {
          test_fill_small_ints(&rng, a, k * mr, 4, 0.8);
          test_fill_small_ints(&rng, b, k * nr, 4, 0.8);
        } else {
          test_fill_uniform(&rng, a, k * mr, -1.0f, 1.0f);
          test_fill_uniform(&rng, b, k * nr, -1.0f, 1.0f);
        }
        for (size_t i = 0; i < mr * ldc; i++) {
          int in_tile = i % ldc < nr;
          float fill = !in_tile ? -7.0f : accumulate ? (float)test_rng_int(&rng, -9, 9) : NAN;
          got[i] = want[i] = fill;
        }
        kernel(k, a, b, got, ldc, accumulate);
        twin(k, a, b, want, ldc, accumulate);
        check_tile(name, mr, nr, k, accumulate, exact, a, b, got, want, seed);
      }
  cnn_free(a);
  cnn_free(b);
  cnn_free(got);
  cnn_free(want);
}

int main(void) {
  int simd_ran = 0;
#define CNN_F32_GEMM_UKERNEL(isa, name, twin, mr, nr)                      \
  if (cnn_kernels_for(isa)) {                                              \
    test_kernel(#name, name, twin, mr, nr);                                \
    simd_ran += isa != CNN_ISA_SCALAR;                                     \
  } else {                                                                 \
    printf("skipped %s: this CPU cannot run %s\n", #name, cnn_isa_name(isa)); \
  }
#include "kernels/f32_gemm.inc"
#undef CNN_F32_GEMM_UKERNEL
  if (!simd_ran) {
    printf("test_gemm_ukernels: no SIMD kernel of this build runs on this CPU\n");
    return TEST_SKIP;
  }
  return test_finish("test_gemm_ukernels");
}
