/* Every GEMM micro-kernel of kernels/f32_gemm.inc that this CPU runs,
 * and its packing routine,
 * against its scalar twin on the same packed panels, and the twin against
 * the sums of kernels/ukernels.h computed here in double (the scalar row's
 * kernel is its own twin, so for it only that second check is made): k over 1, 2, 3, the
 * unroll (1, so 4 and 5 are past it) and 17, 64, 257; C with a row stride
 * wider than the tile (the gap must stay untouched); overwrite into a C full
 * of NaN (never read); accumulate onto random C.
 * Tolerance: the kernels fuse multiply and add, the twin rounds the product
 * first, so each element may differ by k * 2^-23 * sum_p |a_p * b_p|
 * (doubled for the reordering); small-integer panels must match exactly.
 * Packing must match the layout of kernels/ukernels.h bit for bit, for both
 * operand orientations, partial last panels, depths around the 8x8
 * transposes and a scale. */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

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

/* The tile of kernels/ukernels.h in double, rounded once: C as filled,
 * plus the sums when accumulating; the gap keeps its fill. */
static void sum_tile(size_t mr, size_t nr, size_t k, int accumulate, const float *a,
                     const float *b, float *c) {
  const size_t ldc = nr + GAP;
  for (size_t i = 0; i < mr; i++)
    for (size_t j = 0; j < nr; j++) {
      double sum = accumulate ? c[i * ldc + j] : 0;
      for (size_t p = 0; p < k; p++) sum += (double)a[p * mr + i] * b[p * nr + j];
      c[i * ldc + j] = (float)sum;
    }
}

static void test_kernel(const char *name, const char *twin_name, cnn_f32_gemm_ukernel_fn kernel,
                        cnn_f32_gemm_ukernel_fn twin, size_t mr, size_t nr) {
  const size_t kmax = 257, ldc = nr + GAP;
  float *a = cnn_alloc(kmax * mr, sizeof(float), "a");
  float *b = cnn_alloc(kmax * nr, sizeof(float), "b");
  float *got = cnn_alloc(mr * ldc, sizeof(float), "got");
  float *want = cnn_alloc(mr * ldc, sizeof(float), "want");
  float *sums = cnn_alloc(mr * ldc, sizeof(float), "sums");
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
          got[i] = want[i] = sums[i] = fill;
        }
        kernel(k, a, b, got, ldc, accumulate);
        twin(k, a, b, want, ldc, accumulate);
        sum_tile(mr, nr, k, accumulate, a, b, sums);
        if (kernel != twin) check_tile(name, mr, nr, k, accumulate, exact, a, b, got, want, seed);
        check_tile(twin_name, mr, nr, k, accumulate, exact, a, b, want, sums, seed);
      }
  cnn_free(a);
  cnn_free(b);
  cnn_free(got);
  cnn_free(want);
  cnn_free(sums);
}

/* The packed layout, written out as kernels/ukernels.h states it. */
static float packed_value(size_t width, size_t count, size_t k, const float *src,
                          size_t line_stride, size_t k_stride, float scale, size_t index) {
  size_t panel = index / (k * width), p = index / width % k, t = panel * width + index % width;
  return t < count ? scale * src[t * line_stride + p * k_stride] : 0.0f;
}

static void test_pack(const char *name, cnn_f32_gemm_pack_fn pack, size_t width) {
  static const size_t depths_pack[] = {1, 7, 8, 9, 17, 64};
  const size_t counts[] = {1, width - 1, width, width + 1, 3 * width + 2};
  const size_t ld = 3 * width + 2 + 5, kmax = 64;
  float *src = cnn_alloc(ld * (kmax > ld ? kmax : ld), sizeof(float), "src");
  float *dst = cnn_alloc((3 * width + 2 + width) * kmax, sizeof(float), "dst");
  test_rng rng = test_rng_seeded(width);
  test_fill_uniform(&rng, src, ld * (kmax > ld ? kmax : ld), -2.0f, 2.0f);
  for (size_t d = 0; d < sizeof depths_pack / sizeof depths_pack[0]; d++)
    for (size_t c = 0; c < sizeof counts / sizeof counts[0]; c++)
      for (int depth_contiguous = 0; depth_contiguous <= 1; depth_contiguous++)
        for (int scaled = 0; scaled <= 1; scaled++) {
          size_t k = depths_pack[d], count = counts[c];
          if (count == 0) continue;
          size_t line_stride = depth_contiguous ? ld : 1, k_stride = depth_contiguous ? 1 : ld;
          float scale = scaled ? -0.5f : 1.0f;
          size_t size = (count + width - 1) / width * width * k;
          for (size_t i = 0; i < size; i++) dst[i] = NAN;
          pack(width, count, k, src, line_stride, k_stride, scale, dst);
          test_checks++;
          for (size_t i = 0; i < size; i++) {
            float want = packed_value(width, count, k, src, line_stride, k_stride, scale, i);
            if (memcmp(&dst[i], &want, sizeof want) != 0) {
              test_failures++;
              fprintf(stderr,
                      "%s: width %zu count %zu k %zu line_stride %zu k_stride %zu scale %g: "
                      "packed[%zu] = %.9g, want %.9g\n",
                      name, width, count, k, line_stride, k_stride, scale, i, dst[i], want);
              break;
            }
          }
        }
  cnn_free(src);
  cnn_free(dst);
}

int main(void) {
  int simd_ran = 0;
#define CNN_F32_GEMM_UKERNEL(isa, name, twin, mr, nr, pack)                      \
  if (cnn_kernels_for(isa)) {                                              \
    test_kernel(#name, #twin, name, twin, mr, nr);                         \
    test_pack(#pack, pack, mr);                                            \
    test_pack(#pack, pack, nr);                                            \
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
