/* Fuzzes the checkpoint loader. Each input is loaded twice: as it is, and
 * with its last four bytes replaced by the right CRC-32, so that inputs the
 * fuzzer mutates also reach the end of the loader and its success path. */
#include <stdlib.h>
#include <string.h>

#include "cnn/checkpoint.h"
#include "fuzz_file.h"
#include "io/crc32.h"

static void load(const uint8_t *data, size_t size) {
  cnn_checkpoint ck;
  cnn_status st = cnn_checkpoint_load(fuzz_file(0, data, size), &ck);
  if (st != CNN_STATUS_OK) {
    if (ck.model || ck.optimizer || ck.names || ck.tensors || ck.num_tensors)
      fuzz_fail("a failed load left data behind");
    if (!*cnn_last_error()) fuzz_fail("a failed load left no message");
    return;
  }
  if (!ck.model || !ck.optimizer) fuzz_fail("loaded without texts");
  float sum = 0;
  for (int i = 0; i < ck.num_tensors; i++) {
    const cnn_tensor *t = &ck.tensors[i];
    if (!ck.names[i] || !*ck.names[i]) fuzz_fail("a tensor without a name");
    size_t n = cnn_tensor_numel(t);
    if (n == 0) fuzz_fail("an empty tensor");
    for (size_t k = 0; k < n; k++) sum += t->data[k]; /* ASan checks the extent */
  }
  (void)sum;
  cnn_checkpoint_free(&ck);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  load(data, size);
  if (size < 4) return 0;
  uint8_t *fixed = malloc(size);
  if (!fixed) return 0;
  memcpy(fixed, data, size);
  uint32_t crc = cnn_crc32(0, fixed, size - 4);
  for (int i = 0; i < 4; i++) fixed[size - 4 + i] = (uint8_t)(crc >> 8 * i);
  load(fixed, size);
  free(fixed);
  return 0;
}
