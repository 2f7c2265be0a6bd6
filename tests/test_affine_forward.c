/* Affine forward on shapes whose outputs end in a narrow partial GEMM tile
 * (computed transposed, src/layers/affine.c) and on shapes that do not:
 * - small integers (exact in any order): equal to the reference GEMM plus
 *   the bias;
 * - uniform values: the bits of the single GEMM call y = x w^T followed by
 *   the bias, since the transposed part sums the same products in the same
 *   order.
 * Tolerance: none. */
#include <stdlib.h>

#include "gemm/gemm.h"
#include "kernels/ukernels.h"
#include "testutil.h"

static void check_case(cnn_context *ctx, int n, int d, int outputs, int exact,
                       uint64_t seed) {
  cnn_tensor x = {0}, w = {0}, b = {0}, y = {0};
  CHECK_OK(cnn_tensor_init(&x, n, d, 1, 1));
  CHECK_OK(cnn_tensor_init(&w, outputs, d, 1, 1));
  CHECK_OK(cnn_tensor_init(&b, outputs, 1, 1, 1));
  CHECK_OK(cnn_tensor_init(&y, n, outputs, 1, 1));
  float *want = malloc((size_t)n * outputs * sizeof *want);
  if (!x.data || !w.data || !b.data || !y.data || !want) goto done;
  test_rng rng = test_rng_seeded(seed);
  if (exact) {
    test_fill_small_ints(&rng, x.data, cnn_tensor_numel(&x), 3, 0.7);
    test_fill_small_ints(&rng, w.data, cnn_tensor_numel(&w), 3, 0.7);
    test_fill_small_ints(&rng, b.data, cnn_tensor_numel(&b), 3, 1.0);
    cnn_f32_gemm_ref(0, 1, (size_t)n, (size_t)outputs, (size_t)d, 1.0f, x.data, (size_t)d,
                     w.data, (size_t)d, 0.0f, want, (size_t)outputs);
  } else {
    test_fill_uniform(&rng, x.data, cnn_tensor_numel(&x), -1.0f, 1.0f);
    test_fill_uniform(&rng, w.data, cnn_tensor_numel(&w), -1.0f, 1.0f);
    test_fill_uniform(&rng, b.data, cnn_tensor_numel(&b), -1.0f, 1.0f);
    cnn_sgemm(ctx, 0, 1, (size_t)n, (size_t)outputs, (size_t)d, 1.0f, x.data, (size_t)d,
              w.data, (size_t)d, 0.0f, want, (size_t)outputs);
  }
  for (int i = 0; i < n; i++)
    for (int o = 0; o < outputs; o++) want[(size_t)i * outputs + o] += b.data[o];
  CHECK_OK(cnn_affine_forward(ctx, &x, &w, &b, &y));
  char what[128];
  snprintf(what, sizeof what, "affine forward n%d d%d outputs %d %s seed %llu", n, d,
           outputs, exact ? "small ints vs reference" : "uniform vs one GEMM",
           (unsigned long long)seed);
  test_equal(what, y.data, want, (size_t)n * outputs);
done:
  free(want);
  cnn_tensor_free(&x);
  cnn_tensor_free(&w);
  cnn_tensor_free(&b);
  cnn_tensor_free(&y);
}

int main(void) {
  /* {n, d, outputs}: simple's and LeNet-5's layers, then edges. */
  static const int shapes[][3] = {{100, 4320, 100}, {64, 400, 120}, {64, 120, 84},
                                  {64, 84, 10},     {1000, 300, 100}, {1, 50, 3},
                                  {7, 33, 65},      {33, 17, 97},     {200, 9, 2}};
  uint64_t seed = 1;
  for (int threads = 1; threads <= 2; threads++) {
    cnn_context *ctx = NULL;
    CHECK_OK(cnn_context_create(threads, &ctx));
    if (!ctx) break;
    for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++, seed++)
      for (int exact = 0; exact <= 1; exact++)
        check_case(ctx, shapes[i][0], shapes[i][1], shapes[i][2], exact, seed);
    cnn_context_free(ctx);
  }
  return test_finish("test_affine_forward");
}
