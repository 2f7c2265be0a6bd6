/* Numerical gradient checks: a central difference per parameter, in
 * double, against the analytic gradient a backward pass produced. */
#ifndef CNN_GRADCHECK_H
#define CNN_GRADCHECK_H

#include <stddef.h>

/* The scalar whose gradient is checked, evaluated from the current
 * parameter values (a forward pass, then a reduction in double). */
typedef double (*gradcheck_loss_fn)(void *state);

/* For each of the n values of param: evaluates loss at param[i] + step and
 * param[i] - step (as stored in float) and takes
 *   numeric = (L+ - L-) / (stored x+ - stored x-)
 * in double; passes when |numeric - analytic[i]| <= atol + rtol *
 * max(|numeric|, |analytic[i]|). param is restored. Prints the first
 * failing index with both values, counts one check, returns nonzero on
 * success. */
int gradcheck(const char *what, float *param, size_t n, const float *analytic,
              gradcheck_loss_fn loss, void *state, double step, double atol,
              double rtol);

/* sum y[i] * weights[i] in double: turns a layer output into the scalar
 * loss whose gradient with respect to y is weights. */
double gradcheck_dot(const float *y, const float *weights, size_t n);

#endif
