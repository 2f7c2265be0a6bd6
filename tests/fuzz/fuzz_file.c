#include "fuzz_file.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#define FUZZ_FILE_SLOTS 4

static int fds[FUZZ_FILE_SLOTS] = {-1, -1, -1, -1};
static char paths[FUZZ_FILE_SLOTS][32];

const char *fuzz_file(int slot, const uint8_t *data, size_t size) {
  if (slot < 0 || slot >= FUZZ_FILE_SLOTS) fuzz_fail("fuzz_file: bad slot");
  if (fds[slot] < 0) {
    fds[slot] = memfd_create("cnn-fuzz", 0);
    if (fds[slot] < 0) fuzz_fail("fuzz_file: memfd_create failed");
    snprintf(paths[slot], sizeof paths[slot], "/proc/self/fd/%d", fds[slot]);
  }
  if (ftruncate(fds[slot], 0) != 0) fuzz_fail("fuzz_file: ftruncate failed");
  size_t done = 0;
  while (done < size) {
    ssize_t n = pwrite(fds[slot], data + done, size - done, (off_t)done);
    if (n <= 0) fuzz_fail("fuzz_file: write failed");
    done += (size_t)n;
  }
  return paths[slot];
}

void fuzz_fail(const char *why) {
  fprintf(stderr, "fuzz invariant broken: %s\n", why);
  abort();
}
