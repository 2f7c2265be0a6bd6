/* Every SIMD ReLU kernel of kernels/f32_relu.inc that this CPU runs, against
 * its scalar twin: lengths 0 to 70 (every tail of every vector width) and
 * 1001, out of place and in place (y = x, dx = dy), inputs with +0, -0, NaN,
 * infinities and both signs. Tolerance: none (bit-equal). A value past n
 * must stay untouched. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kernels/ukernels.h"
#include "testutil.h"

struct relu_case {
  cnn_isa isa;
  const char *name;
  cnn_f32_relu_ukernel_fn fwd;
  cnn_f32_relu_bwd_ukernel_fn bwd;
};

static const struct relu_case cases[] = {
#define CNN_F32_RELU_UKERNELS(isa, fwd, bwd) {isa, #fwd, fwd, bwd},
#include "kernels/f32_relu.inc"
#undef CNN_F32_RELU_UKERNELS
    {CNN_ISA_COUNT, NULL, NULL, NULL}};

#define MAX_N 1001
#define GUARD 4

static void fill_special(test_rng *rng, float *x, size_t n) {
  static const float special[] = {0.0f, -0.0f, NAN, INFINITY, -INFINITY, 1e-40f, -1e-40f};
  for (size_t i = 0; i < n; i++) {
    const int pick = test_rng_int(rng, 0, 13);
    x[i] = pick < 7 ? special[pick] : (float)test_rng_uniform(rng, -3, 3);
  }
}

static void check(const struct relu_case *c, size_t n, int in_place, uint64_t seed) {
  float x[MAX_N + GUARD], dy[MAX_N + GUARD], got[MAX_N + GUARD], want[MAX_N + GUARD];
  test_rng rng = test_rng_seeded(seed);
  fill_special(&rng, x, MAX_N + GUARD);
  fill_special(&rng, dy, MAX_N + GUARD);
  char what[160];
  /* forward */
  memcpy(got, in_place ? x : dy, sizeof got); /* the guard values to keep */
  memcpy(want, got, sizeof want);
  cnn_f32_relu_ukernel__scalar(n, x, want);
  c->fwd(n, in_place ? got : x, got);
  snprintf(what, sizeof what, "%s forward n=%zu in_place=%d seed %llu", c->name, n,
           in_place, (unsigned long long)seed);
  test_equal(what, got, want, n + GUARD);
  /* backward, y = the forward output */
  float y[MAX_N + GUARD];
  cnn_f32_relu_ukernel__scalar(MAX_N + GUARD, x, y);
  memcpy(got, dy, sizeof got);
  memcpy(want, dy, sizeof want);
  cnn_f32_relu_bwd_ukernel__scalar(n, y, dy, want);
  c->bwd(n, y, in_place ? got : dy, got);
  snprintf(what, sizeof what, "%s backward n=%zu in_place=%d seed %llu", c->name, n,
           in_place, (unsigned long long)seed);
  test_equal(what, got, want, n + GUARD);
}

int main(void) {
  int ran = 0;
  for (const struct relu_case *c = cases; c->name; c++) {
    if (!cnn_kernels_for(c->isa)) {
      printf("%s: %s not runnable here\n", c->name, cnn_isa_name(c->isa));
      continue;
    }
    ran++;
    for (int in_place = 0; in_place <= 1; in_place++) {
      for (size_t n = 0; n <= 70; n++) check(c, n, in_place, 100 * n + (uint64_t)in_place);
      check(c, MAX_N, in_place, 7);
    }
  }
  if (!ran) {
    printf("test_relu_ukernels: no SIMD ReLU kernel runs here\n");
    return TEST_SKIP;
  }
  return test_finish("test_relu_ukernels");
}
