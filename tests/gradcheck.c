#include "gradcheck.h"

#include <math.h>
#include <stdio.h>

#include "testutil.h"

int gradcheck(const char *what, float *param, size_t n, const float *analytic,
              gradcheck_loss_fn loss, void *state, double step, double atol,
              double rtol) {
  test_checks++;
  for (size_t i = 0; i < n; i++) {
    const float saved = param[i];
    const float up = (float)(saved + step), down = (float)(saved - step);
    param[i] = up;
    const double loss_up = loss(state);
    param[i] = down;
    const double loss_down = loss(state);
    param[i] = saved;
    const double numeric = (loss_up - loss_down) / ((double)up - (double)down);
    const double error = fabs(numeric - analytic[i]);
    const double scale = fmax(fabs(numeric), fabs((double)analytic[i]));
    if (!(error <= atol + rtol * scale)) {
      test_failures++;
      fprintf(stderr,
              "%s: gradient at %zu of %zu: analytic %.9g numeric %.9g (step %g, "
              "atol %g, rtol %g)\n",
              what, i, n, analytic[i], numeric, step, atol, rtol);
      return 0;
    }
  }
  return 1;
}

double gradcheck_dot(const float *y, const float *weights, size_t n) {
  double sum = 0.0;
  for (size_t i = 0; i < n; i++) sum += (double)y[i] * weights[i];
  return sum;
}
