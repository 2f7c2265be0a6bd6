/* im2col and col2im are adjoint: <im2col(x), c> == <x, col2im(c)>, both
 * summed in double. x and c hold small integers, so col2im's float sums and
 * both dot products are exact: the tolerance is 0 (equality). Also checks im2col's values entry by entry against the
 * formula of ukernels.h, on odd shapes with stride and padding. */
#include <math.h>
#include <stdlib.h>

#include "kernels/ukernels.h"
#include "runtime/memory.h"
#include "testutil.h"

static void check_problem(const struct cnn_conv_problem *p, uint64_t seed) {
  const size_t nx = (size_t)p->c * p->h * p->w;
  const size_t ncol = (size_t)p->c * p->r * p->s * p->oh * p->ow;
  float *x = cnn_alloc(nx, sizeof(float), "x"), *back = cnn_alloc(nx, sizeof(float), "back");
  float *col = cnn_alloc(ncol, sizeof(float), "col"), *c = cnn_alloc(ncol, sizeof(float), "c");
  test_rng rng = test_rng_seeded(seed);
  test_fill_small_ints(&rng, x, nx, 4, 0.9);
  test_fill_small_ints(&rng, c, ncol, 4, 0.9);
  for (size_t i = 0; i < nx; i++) back[i] = NAN; /* col2im overwrites */
  cnn_f32_im2col_ukernel__scalar(p, x, col);
  cnn_f32_col2im_ukernel__scalar(p, c, back);
  double lhs = 0, rhs = 0;
  for (size_t i = 0; i < ncol; i++) lhs += (double)col[i] * c[i];
  for (size_t i = 0; i < nx; i++) rhs += (double)x[i] * back[i];
  CHECK(lhs == rhs,
        "adjoint c%d h%d w%d r%d s%d stride %dx%d pad %dx%d seed %llu: %.17g vs %.17g",
        p->c, p->h, p->w, p->r, p->s, p->stride_h, p->stride_w, p->pad_h, p->pad_w,
        (unsigned long long)seed, lhs, rhs);

  size_t wrong = 0;
  for (int ch = 0; ch < p->c; ch++)
    for (int r = 0; r < p->r; r++)
      for (int s = 0; s < p->s; s++)
        for (int oy = 0; oy < p->oh; oy++)
          for (int ox = 0; ox < p->ow; ox++) {
            const int iy = oy * p->stride_h - p->pad_h + r;
            const int ix = ox * p->stride_w - p->pad_w + s;
            const float want = iy >= 0 && iy < p->h && ix >= 0 && ix < p->w
                                   ? x[((size_t)ch * p->h + iy) * p->w + ix]
                                   : 0.0f;
            const size_t at = ((((size_t)ch * p->r + r) * p->s + s) * p->oh + oy) * p->ow + ox;
            wrong += col[at] != want;
          }
  CHECK(wrong == 0, "im2col has %zu wrong entries (seed %llu)", wrong,
        (unsigned long long)seed);
  cnn_free(x);
  cnn_free(back);
  cnn_free(col);
  cnn_free(c);
}

int main(void) {
  test_rng rng = test_rng_seeded(99);
  for (int i = 0; i < 200; i++) {
    struct cnn_conv_problem p = {0};
    p.n = 1;
    p.c = test_rng_int(&rng, 1, 4);
    p.r = test_rng_int(&rng, 1, 5);
    p.s = test_rng_int(&rng, 1, 5);
    p.stride_h = test_rng_int(&rng, 1, 3);
    p.stride_w = test_rng_int(&rng, 1, 3);
    p.pad_h = test_rng_int(&rng, 0, 3);
    p.pad_w = test_rng_int(&rng, 0, 3);
    p.h = test_rng_int(&rng, 1, 11);
    p.w = test_rng_int(&rng, 1, 11);
    if (p.r > p.h + 2 * p.pad_h || p.s > p.w + 2 * p.pad_w) continue;
    p.oh = (p.h + 2 * p.pad_h - p.r) / p.stride_h + 1;
    p.ow = (p.w + 2 * p.pad_w - p.s) / p.stride_w + 1;
    check_problem(&p, 1000 + (uint64_t)i);
  }
  return test_finish("test_im2col");
}
