/* Fuzz inputs as files: the readers under test take paths, so each input
 * is written to an in-memory file (memfd) and read back through its
 * /proc/self/fd path, the same code path a file on disk takes. */
#ifndef CNN_FUZZ_FILE_H
#define CNN_FUZZ_FILE_H

#include <stddef.h>
#include <stdint.h>

/* Replaces the content of in-memory file number slot (0..3) with data and
 * returns a path that opens it. Aborts if the file cannot be made: that is
 * a broken harness, not a finding. */
const char *fuzz_file(int slot, const uint8_t *data, size_t size);

/* Ends the process with a crash that libFuzzer records, naming why: for
 * invariants the code under test broke without the sanitizers noticing. */
_Noreturn void fuzz_fail(const char *why);

#endif
