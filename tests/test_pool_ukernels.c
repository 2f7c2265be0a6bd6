/* Every SIMD pooling kernel of kernels/f32_pool.inc that this CPU runs,
 * against its scalar twin: max and average, forward and backward, on odd
 * shapes (windows 1 to 4, strides 1 to 3, padding, planes of size 1, primes,
 * rows longer than two vectors) and on the MNIST models' shapes.
 * Tolerance: none. The kernels fold every window and add every gradient in
 * the twin's order, so outputs must be bit-equal; inputs are full of ties
 * (small integers, +0 and -0) and carry some NaN, which must pick the same
 * window element as the twin does.
 * Max backward also runs with relu_grad (the ReLU gradient fused in), and
 * the scalar twin's result must then be bit-equal to the two passes apart:
 * the max backward, then the ReLU backward kernel over x.
 * Each input plane ends at a page the process cannot read, and each output
 * plane at one it cannot write, so a kernel that touches a value past the
 * end crashes the test; a value it fails to write keeps a sentinel. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kernels/ukernels.h"
#include "testutil.h"

struct pool_case {
  cnn_isa isa;
  const char *name;
  cnn_f32_pool_fwd_ukernel_fn max_fwd, avg_fwd;
  cnn_f32_pool_bwd_ukernel_fn max_bwd, avg_bwd;
};

static const struct pool_case cases[] = {
#define CNN_F32_POOL_UKERNELS(isa, max_fwd, max_bwd, avg_fwd, avg_bwd) \
  {isa, #max_fwd, max_fwd, avg_fwd, max_bwd, avg_bwd},
#include "kernels/f32_pool.inc"
#undef CNN_F32_POOL_UKERNELS
    {CNN_ISA_COUNT, NULL, NULL, NULL, NULL, NULL}};

/* A region of `floats` floats that ends where an inaccessible page begins. */
struct guarded {
  void *map;
  size_t map_bytes;
  float *data;
};

static struct guarded guarded_alloc(size_t floats) {
  const size_t page = (size_t)sysconf(_SC_PAGESIZE);
  const size_t bytes = (floats * sizeof(float) + page - 1) / page * page;
  struct guarded g = {NULL, bytes + page, NULL};
  g.map = mmap(NULL, g.map_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (g.map == MAP_FAILED || mprotect((char *)g.map + bytes, page, PROT_NONE) != 0) {
    perror("guarded_alloc");
    _exit(1);
  }
  g.data = (float *)((char *)g.map + bytes) - floats;
  return g;
}

static void guarded_free(struct guarded *g) { munmap(g->map, g->map_bytes); }

/* Small integers in [-2, 2] (many ties), a tenth of the zeros negative, and
 * NaN at one pixel in fifty when with_nan. */
static void fill_ties(test_rng *rng, float *x, size_t n, int with_nan) {
  for (size_t i = 0; i < n; i++) {
    x[i] = (float)test_rng_int(rng, -2, 2);
    if (x[i] == 0.0f && test_rng_int(rng, 0, 9) == 0) x[i] = -0.0f;
    if (with_nan && test_rng_int(rng, 0, 49) == 0) x[i] = NAN;
  }
}

/* The last count floats of g, filled with a sentinel a kernel must
 * overwrite. */
static float *output_tail(struct guarded *g, size_t capacity, size_t count) {
  float *dst = g->data + capacity - count;
  for (size_t i = 0; i < count; i++) dst[i] = -12345.0f;
  return dst;
}

static void compare(const struct pool_case *c, const struct cnn_pool_problem *p,
                    uint64_t seed, const char *label, const float *got, const float *want,
                    size_t count) {
  char what[256];
  snprintf(what, sizeof what, "%s %s h%d w%d window %dx%d stride %dx%d pad %dx%d seed %llu",
           cnn_isa_name(c->isa), label, p->h, p->w, p->window_h, p->window_w, p->stride_h, p->stride_w,
           p->pad_h, p->pad_w, (unsigned long long)seed);
  test_equal(what, got, want, count);
}

static void check_case(const struct pool_case *c, const struct cnn_pool_problem *p,
                       uint64_t seed) {
  const size_t in = (size_t)p->h * p->w, out = (size_t)p->oh * p->ow;
  const size_t capacity = in > out ? in : out;
  struct guarded x = guarded_alloc(in), dy = guarded_alloc(out), got = guarded_alloc(capacity);
  float *want = calloc(capacity, sizeof(float)), *dst;
  test_rng rng = test_rng_seeded(seed);
  fill_ties(&rng, x.data, in, (int)(seed % 2));
  if (seed % 3 == 0) test_fill_uniform(&rng, x.data, in, -1.0f, 1.0f);
  test_fill_uniform(&rng, dy.data, out, -1.0f, 1.0f);

  cnn_f32_maxpool_ukernel__scalar(p, x.data, want);
  c->max_fwd(p, x.data, dst = output_tail(&got, capacity, out));
  compare(c, p, seed, "max forward", dst, want, out);
  cnn_f32_avgpool_ukernel__scalar(p, x.data, want);
  c->avg_fwd(p, x.data, dst = output_tail(&got, capacity, out));
  compare(c, p, seed, "avg forward", dst, want, out);
  cnn_f32_maxpool_bwd_ukernel__scalar(p, x.data, dy.data, want);
  c->max_bwd(p, x.data, dy.data, dst = output_tail(&got, capacity, in));
  compare(c, p, seed, "max backward", dst, want, in);
  cnn_f32_avgpool_bwd_ukernel__scalar(p, x.data, dy.data, want);
  c->avg_bwd(p, x.data, dy.data, dst = output_tail(&got, capacity, in));
  compare(c, p, seed, "avg backward", dst, want, in);

  struct cnn_pool_problem fused = *p;
  fused.relu_grad = 1;
  float *apart = calloc(capacity, sizeof(float));
  cnn_f32_maxpool_bwd_ukernel__scalar(p, x.data, dy.data, apart);
  cnn_f32_relu_bwd_ukernel__scalar(in, x.data, apart, apart);
  cnn_f32_maxpool_bwd_ukernel__scalar(&fused, x.data, dy.data, want);
  compare(c, p, seed, "scalar max backward with relu_grad vs apart", want, apart, in);
  c->max_bwd(&fused, x.data, dy.data, dst = output_tail(&got, capacity, in));
  compare(c, p, seed, "max backward with relu_grad", dst, want, in);
  free(apart);

  free(want);
  guarded_free(&x);
  guarded_free(&dy);
  guarded_free(&got);
}

static int problem(int h, int w, int window_h, int window_w, int stride_h, int stride_w,
                   int pad_h, int pad_w, struct cnn_pool_problem *p) {
  if (pad_h >= window_h || pad_w >= window_w) return 0;
  if (h + 2 * pad_h < window_h || w + 2 * pad_w < window_w) return 0;
  *p = (struct cnn_pool_problem){h, w, window_h, window_w, stride_h, stride_w, pad_h, pad_w,
                                 (h + 2 * pad_h - window_h) / stride_h + 1,
                                 (w + 2 * pad_w - window_w) / stride_w + 1, 0};
  return 1;
}

int main(void) {
  /* {h, w, window, stride, pad}: the models' layers, then edges by hand. */
  static const int fixed[][5] = {
      {28, 28, 2, 2, 0}, {24, 24, 2, 2, 0}, {10, 10, 2, 2, 0}, {8, 8, 2, 2, 0},
      {1, 1, 1, 1, 0},   {1, 1, 2, 2, 1},   {2, 1, 2, 1, 1},   {7, 13, 3, 1, 1},
      {13, 31, 3, 2, 1}, {5, 37, 3, 1, 0},  {3, 67, 2, 2, 0},  {3, 67, 3, 2, 2},
      {17, 17, 3, 3, 1}, {4, 41, 4, 1, 3},  {6, 33, 2, 1, 0},  {2, 34, 2, 2, 1}};
  int ran = 0;
  for (const struct pool_case *c = cases; c->name; c++) {
    if (!cnn_kernels_for(c->isa)) {
      printf("%s: %s not runnable here\n", c->name, cnn_isa_name(c->isa));
      continue;
    }
    ran++;
    struct cnn_pool_problem p;
    uint64_t seed = 1;
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++, seed++) {
      const int *f = fixed[i];
      if (problem(f[0], f[1], f[2], f[2], f[3], f[3], f[4], f[4], &p)) check_case(c, &p, seed);
    }
    test_rng rng = test_rng_seeded(2024);
    for (int i = 0; i < 400; i++, seed++) {
      const int wh = test_rng_int(&rng, 1, 4), ww = test_rng_int(&rng, 1, 4);
      if (problem(test_rng_int(&rng, 1, 19), test_rng_int(&rng, 1, 43), wh, ww,
                  test_rng_int(&rng, 1, 3), test_rng_int(&rng, 1, 3),
                  test_rng_int(&rng, 0, wh - 1), test_rng_int(&rng, 0, ww - 1), &p))
        check_case(c, &p, seed);
    }
  }
  if (!ran) {
    printf("test_pool_ukernels: no SIMD pooling kernel runs here\n");
    return TEST_SKIP;
  }
  return test_finish("test_pool_ukernels");
}
