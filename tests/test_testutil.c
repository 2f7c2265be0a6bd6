/* The ends of every test (tests/testutil.c): a run that checked nothing
 * fails, and a run that could do only part of its checks is reported as
 * skipped, or as failed when one of them failed. */
#include "testutil.h"

int main(void) {
  /* The helpers read the global counts: set them, call, then restore. */
  const int none = test_finish("a test with no check");
  test_checks = 3;
  const int passed = test_finish("a test whose 3 checks passed");
  const int partial = test_finish_partial("a partial test", "zlib");
  test_failures = 1;
  const int partial_failed = test_finish_partial("a partial test with a failure", "zlib");
  test_checks = test_failures = 0;
  CHECK(none == 1, "test_finish with no check returned %d, want 1", none);
  CHECK(passed == 0, "test_finish with 3 passed checks returned %d, want 0", passed);
  CHECK(partial == TEST_SKIP, "test_finish_partial returned %d, want %d", partial, TEST_SKIP);
  CHECK(partial_failed == 1, "test_finish_partial with a failure returned %d, want 1",
        partial_failed);
  return test_finish("test_testutil");
}
