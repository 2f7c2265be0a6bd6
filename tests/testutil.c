#include "testutil.h"

#include <ftw.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int test_checks, test_failures;

void test_check_error(cnn_status got, cnn_status want, const char *text,
                      const char *expr, const char *file, int line) {
  test_checks++;
  const char *msg = cnn_last_error();
  if (got != want || !strstr(msg, text)) {
    test_failures++;
    fprintf(stderr, "%s:%d: %s -> %s \"%s\", want %s containing \"%s\"\n", file,
            line, expr, cnn_status_str(got), msg, cnn_status_str(want), text);
  }
}

test_rng test_rng_seeded(uint64_t seed) { return (test_rng){seed}; }

uint64_t test_rng_next(test_rng *rng) { /* splitmix64 */
  uint64_t z = (rng->state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

double test_rng_uniform(test_rng *rng, double lo, double hi) {
  return lo + (hi - lo) * (double)(test_rng_next(rng) >> 11) * 0x1.0p-53;
}

int test_rng_int(test_rng *rng, int lo, int hi) {
  return lo + (int)(test_rng_next(rng) % (uint64_t)(hi - lo + 1));
}

void test_fill_uniform(test_rng *rng, float *x, size_t n, float lo, float hi) {
  for (size_t i = 0; i < n; i++) x[i] = (float)test_rng_uniform(rng, lo, hi);
}

void test_fill_small_ints(test_rng *rng, float *x, size_t n, int range, double density) {
  for (size_t i = 0; i < n; i++)
    x[i] = test_rng_uniform(rng, 0, 1) < density ? (float)test_rng_int(rng, -range, range) : 0.0f;
}

int test_close(const char *what, const float *got, const float *want, size_t n,
               double atol, double rtol) {
  test_checks++;
  for (size_t i = 0; i < n; i++) {
    double diff = fabs((double)got[i] - want[i]);
    if (!(diff <= atol + rtol * fabs((double)want[i]))) {
      test_failures++;
      fprintf(stderr, "%s: mismatch at %zu of %zu: got %.9g want %.9g (atol %g rtol %g)\n",
              what, i, n, got[i], want[i], atol, rtol);
      return 0;
    }
  }
  return 1;
}

int test_equal(const char *what, const float *got, const float *want, size_t n) {
  test_checks++;
  for (size_t i = 0; i < n; i++)
    if (memcmp(&got[i], &want[i], sizeof(float)) != 0) {
      test_failures++;
      fprintf(stderr, "%s: bits differ at %zu of %zu: got %.9g want %.9g\n", what, i,
              n, got[i], want[i]);
      return 0;
    }
  return 1;
}

int test_finish(const char *name) {
  printf("%s: %d passed, %d failed\n", name, test_checks - test_failures, test_failures);
  if (test_checks == 0) printf("%s: no check ran\n", name);
  return test_failures || test_checks == 0 ? 1 : 0;
}

int test_finish_partial(const char *name, const char *missing) {
  printf("%s: %d passed, %d failed; the checks that need %s were skipped\n", name,
         test_checks - test_failures, test_failures, missing);
  return test_failures ? 1 : TEST_SKIP;
}

const char *test_temp_dir(const char *prefix) {
  static char dir[256];
  snprintf(dir, sizeof dir, "%s.XXXXXX", prefix);
  if (!mkdtemp(dir)) {
    perror(dir);
    exit(1);
  }
  return dir;
}

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw) {
  (void)st, (void)type, (void)ftw;
  return remove(path);
}

void test_remove_dir(const char *dir) { nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS); }

void test_write_file(const char *path, const void *data, size_t n) {
  FILE *fp = fopen(path, "wb");
  if (!fp || fwrite(data, 1, n, fp) != n || fclose(fp) != 0) {
    perror(path);
    exit(1);
  }
}

uint8_t *test_read_file(const char *path, size_t *n) {
  FILE *fp = fopen(path, "rb");
  long size = -1;
  if (fp && fseek(fp, 0, SEEK_END) == 0) size = ftell(fp);
  uint8_t *data = size >= 0 ? malloc((size_t)size + 1) : NULL;
  if (!data || fseek(fp, 0, SEEK_SET) != 0 || fread(data, 1, (size_t)size, fp) != (size_t)size) {
    perror(path);
    exit(1);
  }
  fclose(fp);
  *n = (size_t)size;
  return data;
}
