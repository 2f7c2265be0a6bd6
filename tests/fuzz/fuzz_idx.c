/* Fuzzes the IDX data set reader (raw and gzip). An input is an image file
 * and a label file: a little-endian u32 with the image file's length, the
 * image file, then the label file (a length beyond the input takes it all). */
#include <string.h>

#include "cnn/data.h"
#include "cnn/status.h"
#include "fuzz_file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 4) return 0;
  size_t images_size = (size_t)data[0] | (size_t)data[1] << 8 | (size_t)data[2] << 16 |
                       (size_t)data[3] << 24;
  data += 4, size -= 4;
  if (images_size > size) images_size = size;
  const char *images = fuzz_file(0, data, images_size);
  const char *labels = fuzz_file(1, data + images_size, size - images_size);

  cnn_dataset ds;
  cnn_status st = cnn_dataset_load_files(images, labels, &ds);
  if (st != CNN_STATUS_OK) {
    if (ds.images || ds.labels || ds.count) fuzz_fail("a failed load left data behind");
    if (!*cnn_last_error()) fuzz_fail("a failed load left no message");
    return 0;
  }
  if (ds.count < 1 || ds.rows < 1 || ds.cols < 1) fuzz_fail("loaded an empty shape");
  /* Touch every byte, so ASan checks the buffers hold what the shape says. */
  unsigned sum = 0;
  size_t pixels = (size_t)ds.count * (size_t)ds.rows * (size_t)ds.cols;
  for (size_t i = 0; i < pixels; i++) sum += ds.images[i];
  for (int i = 0; i < ds.count; i++)
    if (ds.labels[i] >= CNN_DATASET_CLASSES) fuzz_fail("a label >= 10 was accepted");
  cnn_dataset_free(&ds);
  return (int)(sum & 0);
}
