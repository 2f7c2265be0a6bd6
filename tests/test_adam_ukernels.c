/* Every SIMD Adam kernel of kernels/f32_adam.inc that this CPU runs, against
 * its scalar twin: lengths 0 to 40 (every tail) and 1001, with and without
 * weight decay, over five successive steps (the kernels' m and v feed the
 * next step). Tolerance: none (bit-equal), since the kernels round every
 * operation in the twin's order. Values past n must stay untouched. */
#include <math.h>
#include <string.h>

#include "kernels/ukernels.h"
#include "testutil.h"

struct adam_case {
  cnn_isa isa;
  const char *name;
  cnn_f32_adam_ukernel_fn kernel;
};

static const struct adam_case cases[] = {
#define CNN_F32_ADAM_UKERNEL(isa, name) {isa, #name, name},
#include "kernels/f32_adam.inc"
#undef CNN_F32_ADAM_UKERNEL
    {CNN_ISA_COUNT, NULL, NULL}};

#define MAX_N 1001
#define GUARD 3
#define SIZE (MAX_N + GUARD)

static void check(const struct adam_case *c, size_t n, float decay, uint64_t seed) {
  float w[2][SIZE], g[SIZE], m[2][SIZE], v[2][SIZE];
  test_rng rng = test_rng_seeded(seed);
  test_fill_uniform(&rng, w[0], SIZE, -1, 1);
  test_fill_uniform(&rng, m[0], SIZE, -0.1f, 0.1f);
  test_fill_uniform(&rng, v[0], SIZE, 0, 0.01f);
  memcpy(w[1], w[0], sizeof w[0]);
  memcpy(m[1], m[0], sizeof m[0]);
  memcpy(v[1], v[0], sizeof v[0]);
  for (int step = 1; step <= 5; step++) {
    test_fill_uniform(&rng, g, SIZE, -2, 2);
    const struct cnn_adam_params p = {0.001f,
                                      0.9f,
                                      0.999f,
                                      1.0f - 0.9f,
                                      1.0f - 0.999f,
                                      (float)(1.0 - pow(0.9, step)),
                                      (float)(1.0 - pow(0.999, step)),
                                      1e-8f,
                                      decay};
    cnn_f32_adam_ukernel__scalar(n, w[0], g, m[0], v[0], &p);
    c->kernel(n, w[1], g, m[1], v[1], &p);
  }
  char what[160];
  snprintf(what, sizeof what, "%s n=%zu decay=%g seed %llu: w", c->name, n, (double)decay,
           (unsigned long long)seed);
  test_equal(what, w[1], w[0], SIZE);
  what[strlen(what) - 1] = 'm';
  test_equal(what, m[1], m[0], SIZE);
  what[strlen(what) - 1] = 'v';
  test_equal(what, v[1], v[0], SIZE);
}

int main(void) {
  int ran = 0;
  for (const struct adam_case *c = cases; c->name; c++) {
    if (!cnn_kernels_for(c->isa)) {
      printf("%s: %s not runnable here\n", c->name, cnn_isa_name(c->isa));
      continue;
    }
    ran++;
    for (int d = 0; d <= 1; d++) {
      const float decay = d ? 1e-3f : 0.0f;
      for (size_t n = 0; n <= 40; n++) check(c, n, decay, 10 * n + (uint64_t)d);
      check(c, MAX_N, decay, 99);
    }
  }
  if (!ran) {
    printf("test_adam_ukernels: no SIMD Adam kernel runs here\n");
    return TEST_SKIP;
  }
  return test_finish("test_adam_ukernels");
}
