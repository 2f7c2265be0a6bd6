/* Shared test helpers: checks that count failures, a seeded PRNG with
 * explicit state, fills, and array comparison that prints the first
 * mismatch with its position, both values and the tolerance. */
#ifndef CNN_TESTUTIL_H
#define CNN_TESTUTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cnn/cnn.h"

#define TEST_SKIP 77 /* exit code CTest reports as skipped */

extern int test_checks, test_failures;

#define CHECK(cond, ...)                                                   \
  do {                                                                     \
    test_checks++;                                                         \
    if (!(cond)) {                                                         \
      test_failures++;                                                     \
      fprintf(stderr, "%s:%d: CHECK(%s) failed: ", __FILE__, __LINE__, #cond); \
      fprintf(stderr, __VA_ARGS__);                                        \
      fputc('\n', stderr);                                                 \
    }                                                                      \
  } while (0)

/* Checks that expr returns CNN_STATUS_OK, printing cnn_last_error() if not. */
#define CHECK_OK(expr)                                                     \
  do {                                                                     \
    cnn_status st_ = (expr);                                               \
    CHECK(st_ == CNN_STATUS_OK, "%s -> %s: %s", #expr, cnn_status_str(st_), \
          cnn_last_error());                                               \
  } while (0)

/* Checks that expr fails with status want and a message containing text. */
#define CHECK_ERROR(expr, want, text) test_check_error((expr), (want), (text), #expr, __FILE__, __LINE__)
void test_check_error(cnn_status got, cnn_status want, const char *text,
                      const char *expr, const char *file, int line);

typedef struct test_rng { uint64_t state; } test_rng;
test_rng test_rng_seeded(uint64_t seed);
uint64_t test_rng_next(test_rng *rng);
/* Uniform in [lo, hi). */
double test_rng_uniform(test_rng *rng, double lo, double hi);
/* Uniform integer in [lo, hi]. */
int test_rng_int(test_rng *rng, int lo, int hi);

void test_fill_uniform(test_rng *rng, float *x, size_t n, float lo, float hi);
/* Small integers in [-range, range] at the given density (the rest zero):
 * fp32 sums of their products are exact in any order, so results of
 * different kernels and thread counts must match bit for bit. */
void test_fill_small_ints(test_rng *rng, float *x, size_t n, int range, double density);

/* Nonzero when |got - want| <= atol + rtol*|want| everywhere (NaN never
 * matches); otherwise prints the first mismatch and counts a failure. */
int test_close(const char *what, const float *got, const float *want, size_t n,
               double atol, double rtol);
/* Bit equality of n floats; prints the first difference. */
int test_equal(const char *what, const float *got, const float *want, size_t n);

/* Prints "name: N passed, N failed" and returns the exit code: 1 when a
 * check failed or when none ran (a test that checked nothing proves
 * nothing), else 0. */
int test_finish(const char *name);
/* For a test that could run only part of its checks in this build (missing
 * says what it lacks, such as "zlib"): prints the summary and why, and
 * returns TEST_SKIP unless a check failed (then 1), so CTest never counts
 * a partial run as a pass. */
int test_finish_partial(const char *name, const char *missing);

/* Files for tests that read or write them. test_temp_dir creates a fresh
 * directory "<prefix>.XXXXXX" under the current one (the build tree when run
 * by CTest) and returns its name; test_remove_dir deletes it and everything
 * in it. test_write_file and test_read_file exit(1) on failure; the buffer
 * test_read_file returns is released with free(). */
const char *test_temp_dir(const char *prefix);
void test_remove_dir(const char *dir);
void test_write_file(const char *path, const void *data, size_t n);
uint8_t *test_read_file(const char *path, size_t *n);

#endif
