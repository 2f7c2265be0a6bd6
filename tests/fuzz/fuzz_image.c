/* Fuzzes the image reader (PNG through libpng, binary and ASCII PGM, and
 * the resampling to 28x28) that `cnn predict` and `cnn features` feed with
 * any file a user names. */
#include <math.h>

#include "cnn/image.h"
#include "fuzz_file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  float out[28 * 28];
  cnn_status st = cnn_image_load_grey(fuzz_file(0, data, size), 28, 28, out);
  if (st != CNN_STATUS_OK) {
    if (!*cnn_last_error()) fuzz_fail("a failed load left no message");
    return 0;
  }
  for (int i = 0; i < 28 * 28; i++)
    if (!(out[i] >= 0.0f && out[i] <= 1.0f)) fuzz_fail("a grey value outside [0, 1]");
  return 0;
}
