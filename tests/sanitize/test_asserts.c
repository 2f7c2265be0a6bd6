/* The sanitizer build (scripts/test-sanitize) keeps assert() on, so the
 * kernels' precondition asserts run under the whole suite: a kernel called
 * against its contract (here conv_direct with no rows, which kernels/
 * ukernels.h forbids: 1 <= mr) must abort. With asserts compiled out
 * (NDEBUG, as Release builds have it) the call returns and this test fails. */
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kernels/ukernels.h"
#include "tests/testutil.h"

int main(void) {
  printf("test_asserts: the child below must fail its assert\n");
  fflush(stdout);
  const pid_t child = fork();
  if (child == 0) {
    float a[4] = {0}, x[8] = {0}, c[8] = {0};
    const int32_t rows[1] = {0};
    cnn_f32_conv_direct_ukernel_4x8__scalar(0, 8, 1, a, x, rows, c, 8, 0);
    _exit(0);
  }
  int status = 0;
  CHECK(child > 0 && waitpid(child, &status, 0) == child, "fork or wait failed");
  CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT,
        "conv_direct with mr = 0 %s instead of failing its assert: this build compiles "
        "asserts out (NDEBUG)",
        WIFEXITED(status) ? "returned" : "ended otherwise");
  return test_finish("test_asserts");
}
