/* Fashion-MNIST as Debian's dataset-fashion-mnist installs it (gzip IDX
 * files with the MNIST names) loads through cnn_dataset_load. A missing
 * package fails the test (scripts/install-deps --test installs it, so a
 * data set that is not there is a set-up to fix, not a reason to skip);
 * a build without zlib, which cannot read it, skips. */
#include <sys/stat.h>

#include "cnn/data.h"
#include "testutil.h"

#define FASHION_MNIST_DIR "/usr/share/datasets/fashion-mnist"

static void check_split(const char *split, int count) {
  cnn_dataset ds;
  CHECK_OK(cnn_dataset_load(FASHION_MNIST_DIR, split, &ds));
  CHECK(ds.count == count && ds.rows == 28 && ds.cols == 28, "%s: %d images of %dx%d", split,
        ds.count, ds.rows, ds.cols);
  int per_class[CNN_DATASET_CLASSES] = {0};
  for (int i = 0; i < ds.count; i++) per_class[ds.labels[i]]++;
  for (int c = 0; c < CNN_DATASET_CLASSES; c++) /* the classes are balanced */
    CHECK(per_class[c] == count / CNN_DATASET_CLASSES, "%s: class %d has %d images", split,
          c, per_class[c]);
  cnn_dataset_free(&ds);
}

int main(void) {
  struct stat st;
  if (stat(FASHION_MNIST_DIR, &st) != 0) {
    printf("test_fashion_mnist: %s is absent: install the Debian package "
           "dataset-fashion-mnist (scripts/install-deps --test does)\n", FASHION_MNIST_DIR);
    return 1;
  }
  cnn_dataset probe;
  if (cnn_dataset_load(FASHION_MNIST_DIR, "t10k", &probe) == CNN_STATUS_UNIMPLEMENTED) {
    printf("test_fashion_mnist: %s\n", cnn_last_error());
    return TEST_SKIP;
  }
  cnn_dataset_free(&probe);
  check_split("train", 60000);
  check_split("t10k", 10000);
  return test_finish("test_fashion_mnist");
}
