/* IDX data sets: the committed MNIST subset (gzip), the same data raw, and
 * every kind of bad file, each of which must fail with a message naming the
 * problem and allocating nothing it cannot justify. Bad files are written
 * to a fresh directory under the current one. */
#include <stdlib.h>
#include <string.h>

#include "cnn/data.h"
#include "io/crc32.h"
#include "runtime/memory.h"
#include "testutil.h"

static const char *dir;
static char paths[64][128];
static int num_paths;

/* Writes n bytes to dir/name; returns the path. */
static const char *write_file(const char *name, const void *data, size_t n) {
  char *path = paths[num_paths++];
  snprintf(path, sizeof paths[0], "%s/%s", dir, name);
  test_write_file(path, data, n);
  return path;
}

static void put_be32(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16), p[2] = (uint8_t)(v >> 8), p[3] = (uint8_t)v;
}

/* An IDX header of unsigned bytes; returns its length. */
static size_t idx_header(uint8_t *p, int rank, const uint32_t *dims) {
  p[0] = p[1] = 0, p[2] = 0x08, p[3] = (uint8_t)rank;
  for (int i = 0; i < rank; i++) put_be32(p + 4 + 4 * i, dims[i]);
  return 4 + 4 * (size_t)rank;
}

/* A valid gzip file holding data in stored (uncompressed) deflate blocks. */
static size_t gzip_stored(const uint8_t *data, size_t n, uint8_t *out) {
  static const uint8_t header[10] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3};
  size_t at = 0;
  memcpy(out, header, sizeof header), at += sizeof header;
  size_t done = 0;
  do {
    size_t block = n - done > 65535 ? 65535 : n - done;
    out[at++] = done + block == n; /* BFINAL, BTYPE 00 */
    out[at++] = (uint8_t)block, out[at++] = (uint8_t)(block >> 8);
    out[at++] = (uint8_t)~block, out[at++] = (uint8_t)(~block >> 8);
    memcpy(out + at, data + done, block), at += block, done += block;
  } while (done < n);
  uint32_t crc = cnn_crc32(0, data, n), size = (uint32_t)n;
  for (int i = 0; i < 4; i++) out[at++] = (uint8_t)(crc >> 8 * i);
  for (int i = 0; i < 4; i++) out[at++] = (uint8_t)(size >> 8 * i);
  return at;
}

static void test_subset(void) {
  cnn_dataset train, test;
  CHECK_OK(cnn_dataset_load(CNN_TEST_DATA_DIR "/mnist-subset", "train", &train));
  CHECK(train.count == 2000 && train.rows == 28 && train.cols == 28, "train %d x %dx%d",
        train.count, train.rows, train.cols);
  static const uint8_t first_train[10] = {5, 0, 4, 1, 9, 2, 1, 3, 1, 4};
  CHECK(train.labels && !memcmp(train.labels, first_train, 10), "first training labels");
  long long sum = 0;
  for (size_t i = 0; train.images && i < 2000 * 784; i++) sum += train.images[i];
  CHECK(sum == 52050445, "sum of all training pixels %lld, expected 52050445", sum);

  CHECK_OK(cnn_dataset_load(CNN_TEST_DATA_DIR "/mnist-subset", "t10k", &test));
  CHECK(test.count == 500 && test.rows == 28 && test.cols == 28, "test %d x %dx%d",
        test.count, test.rows, test.cols);
  static const int class_counts[10] = {42, 67, 55, 45, 55, 50, 43, 49, 40, 54};
  int counts[10] = {0};
  for (int i = 0; test.labels && i < test.count; i++) counts[test.labels[i]]++;
  CHECK(!memcmp(counts, class_counts, sizeof counts), "test class counts differ");

  /* The same training set as raw IDX files under other names. */
  uint8_t header[16];
  size_t pixels = (size_t)train.count * 784;
  uint8_t *raw = malloc(16 + pixels);
  memcpy(raw, header, idx_header(header, 3, (uint32_t[]){2000, 28, 28}));
  memcpy(raw + 16, train.images, pixels);
  const char *images = write_file("raw-images", raw, 16 + pixels);
  memcpy(raw, header, idx_header(header, 1, (uint32_t[]){2000}));
  memcpy(raw + 8, train.labels, 2000);
  const char *labels = write_file("raw-labels", raw, 8 + 2000);
  cnn_dataset again;
  CHECK_OK(cnn_dataset_load_files(images, labels, &again));
  CHECK(again.count == 2000 && !memcmp(again.images, train.images, pixels) &&
            !memcmp(again.labels, train.labels, 2000), "raw copy differs from the gzip one");

  /* And as gzip files made of stored blocks, read through the growing buffer. */
  uint8_t *gz = malloc(16 + pixels + ((16 + pixels) / 65535 + 1) * 5 + 18);
  memcpy(raw, header, idx_header(header, 3, (uint32_t[]){2000, 28, 28}));
  memcpy(raw + 16, train.images, pixels);
  images = write_file("stored-images.gz", gz, gzip_stored(raw, 16 + pixels, gz));
  cnn_dataset_free(&again);
  CHECK_OK(cnn_dataset_load_files(images, labels, &again));
  CHECK(again.count == 2000 && !memcmp(again.images, train.images, pixels),
        "stored gzip copy differs");
  cnn_dataset_free(&again);
  CHECK(again.images == NULL && again.count == 0, "free clears the struct");

  /* A gzip body shorter than its header says, longer than the first chunk. */
  memcpy(raw, header, idx_header(header, 3, (uint32_t[]){5000, 28, 28}));
  images = write_file("short-images.gz", gz, gzip_stored(raw, 16 + pixels, gz));
  memcpy(raw, header, idx_header(header, 1, (uint32_t[]){5000}));
  memset(raw + 8, 1, 5000);
  const char *labels_5000 = write_file("labels-5000", raw, 8 + 5000);
  CHECK_ERROR(cnn_dataset_load_files(images, labels_5000, &again), CNN_STATUS_BAD_FORMAT,
              "truncated image data: expected 3920000 bytes at offset 16 of the "
              "decompressed data, found 1568000");
  free(gz);
  free(raw);
  cnn_dataset_free(&train);
  cnn_dataset_free(&test);
}

/* A small valid pair to take apart: 3 images of 2x2, labels 0, 9, 4. */
static const uint8_t good_images[16 + 12] = {0, 0, 8, 3, 0, 0, 0, 3, 0, 0, 0, 2, 0, 0, 0, 2,
                                             1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
static const uint8_t good_labels[8 + 3] = {0, 0, 8, 1, 0, 0, 0, 3, 0, 9, 4};

/* Images declaring 2^31-1 images of 4096x4096, in a file of 80 bytes. */
static const uint8_t huge_images[16 + 64] = {0, 0, 8, 3, 0x7f, 0xff, 0xff, 0xff,
                                             0, 0, 0x10, 0, 0, 0, 0x10, 0};

static const char *huge_labels(void) {
  static const uint8_t labels[8 + 16] = {0, 0, 8, 1, 0x7f, 0xff, 0xff, 0xff};
  return write_file("huge-labels", labels, sizeof labels);
}

/* Expects loading (images, labels) to fail with status and text. */
static void expect_failure(const char *images, const char *labels, cnn_status status,
                           const char *text) {
  cnn_dataset ds;
  cnn_status got = cnn_dataset_load_files(images, labels, &ds);
  CHECK_ERROR(got, status, text);
  CHECK(ds.images == NULL && ds.labels == NULL && ds.count == 0,
        "a failed load leaves the data set cleared");
}

static void test_bad_files(void) {
  const char *images = write_file("images", good_images, sizeof good_images);
  const char *labels = write_file("labels", good_labels, sizeof good_labels);
  cnn_dataset ds;
  CHECK_OK(cnn_dataset_load_files(images, labels, &ds));
  CHECK(ds.count == 3 && ds.rows == 2 && ds.cols == 2 && ds.images[11] == 12 &&
            ds.labels[1] == 9, "small valid pair");
  cnn_dataset_free(&ds);

  char missing[160];
  snprintf(missing, sizeof missing, "%s/no-such-file", dir);
  expect_failure(missing, labels, CNN_STATUS_IO_ERROR, "no-such-file: cannot open");
  expect_failure(images, missing, CNN_STATUS_IO_ERROR, "no-such-file: cannot open");
  CHECK_ERROR(cnn_dataset_load(dir, "nothing", &ds), CNN_STATUS_IO_ERROR,
              "nothing-images-idx3-ubyte: no such data set file");
  CHECK_ERROR(cnn_dataset_load(dir, "../x", &ds), CNN_STATUS_INVALID_ARGUMENT, "split");
  expect_failure(dir, labels, CNN_STATUS_IO_ERROR, "not a regular file");

  expect_failure(write_file("empty", "", 0), labels, CNN_STATUS_BAD_FORMAT,
                 "empty: the file is empty");
  expect_failure(write_file("short-header", good_images, 10), labels, CNN_STATUS_BAD_FORMAT,
                 "truncated IDX header: expected 16 bytes at offset 0, found 10");
  expect_failure(images, write_file("short-label-header", good_labels, 6),
                 CNN_STATUS_BAD_FORMAT, "truncated IDX header: expected 8 bytes");
  expect_failure(write_file("short-body", good_images, 16 + 7), labels,
                 CNN_STATUS_BAD_FORMAT,
                 "header declares 12 bytes of image data at offset 16, but the file has "
                 "only 7 bytes after it");
  expect_failure(images, write_file("short-labels", good_labels, 8 + 2),
                 CNN_STATUS_BAD_FORMAT, "declares 3 bytes of label data at offset 8");

  uint8_t bad[sizeof good_images + 1];
  memcpy(bad, good_images, sizeof good_images);
  bad[sizeof good_images] = 99;
  expect_failure(write_file("long-body", bad, sizeof bad), labels, CNN_STATUS_BAD_FORMAT,
                 "unexpected data at offset 28");

#define BAD_IMAGES(name, offset, value, text)                                   \
  do {                                                                          \
    memcpy(bad, good_images, sizeof good_images);                               \
    bad[offset] = value;                                                        \
    expect_failure(write_file(name, bad, sizeof good_images), labels,           \
                   CNN_STATUS_BAD_FORMAT, text);                                \
  } while (0)
  BAD_IMAGES("magic", 0, 0x1f, "offset 0: wrong magic 0x1f000803, expected 0x00000803");
  BAD_IMAGES("type", 2, 0x0d, "offset 2: element type 0x0d, expected 0x08");
  BAD_IMAGES("rank", 3, 2, "offset 3: rank 2, expected 3");
  BAD_IMAGES("zero-count", 7, 0, "offset 4: count 0");
  BAD_IMAGES("zero-rows", 11, 0, "offset 8: rows 0, expected 1..4096");
  BAD_IMAGES("wide", 13, 0x20, "offset 12: cols 2097154, expected 1..4096");
  BAD_IMAGES("count-4", 7, 4, "has 4 images but");
#undef BAD_IMAGES

  uint8_t bad_labels[sizeof good_labels];
  memcpy(bad_labels, good_labels, sizeof good_labels);
  bad_labels[3] = 3;
  expect_failure(images, write_file("label-rank", bad_labels, sizeof bad_labels),
                 CNN_STATUS_BAD_FORMAT, "offset 3: rank 3, expected 1");
  memcpy(bad_labels, good_labels, sizeof good_labels);
  bad_labels[9] = 10;
  expect_failure(images, write_file("label-10", bad_labels, sizeof bad_labels),
                 CNN_STATUS_BAD_FORMAT, "offset 9: label 10 of item 1, expected 0..9");

  /* A header declaring 2^31-1 images of 4096x4096: rejected before any allocation. */
  unsigned long long before = cnn_alloc_count();
  expect_failure(write_file("huge", huge_images, sizeof huge_images), huge_labels(),
                 CNN_STATUS_BAD_FORMAT, "but the file has only 64 bytes after it");
  CHECK(cnn_alloc_count() == before, "%llu allocations for a file with impossible sizes",
        cnn_alloc_count() - before);
}

/* Without zlib, gzip files are refused with a message saying so, and the
 * test reports itself skipped: the committed subset is gzip. */
static int zlib_available(void) {
  uint8_t gz[256];
  const char *images = write_file("good.gz", gz, gzip_stored(good_images, sizeof good_images, gz));
  const char *labels = write_file("labels-for-gz", good_labels, sizeof good_labels);
  cnn_dataset ds;
  cnn_status st = cnn_dataset_load_files(images, labels, &ds);
  cnn_dataset_free(&ds);
  if (st == CNN_STATUS_UNIMPLEMENTED && strstr(cnn_last_error(), "built without zlib"))
    return 0;
  CHECK(st == CNN_STATUS_OK, "loading a stored gzip file: %s", cnn_last_error());
  return 1;
}

static void test_bad_gzip(void) {
  const char *labels = write_file("labels", good_labels, sizeof good_labels);
  unsigned long long before = cnn_alloc_count();
  uint8_t gz[256];
  expect_failure(write_file("huge.gz", gz, gzip_stored(huge_images, sizeof huge_images, gz)),
                 huge_labels(), CNN_STATUS_BAD_FORMAT, "holds at most");
  CHECK(cnn_alloc_count() == before, "%llu allocations for a gzip file with impossible sizes",
        cnn_alloc_count() - before);

  /* Corrupt gzip: a wrong CRC, a cut stream, garbage after the magic. */
  size_t gz_size = gzip_stored(good_images, sizeof good_images, gz);
  gz[gz_size - 6] ^= 0xff;
  expect_failure(write_file("bad-crc.gz", gz, gz_size), labels, CNN_STATUS_BAD_FORMAT,
                 "corrupt gzip data");
  size_t subset_size;
  uint8_t *subset = test_read_file(CNN_TEST_DATA_DIR "/mnist-subset/train-images-idx3-ubyte.gz",
                                   &subset_size);
  const char *subset_labels = CNN_TEST_DATA_DIR "/mnist-subset/train-labels-idx1-ubyte.gz";
  /* Cut within zlib's read-ahead, so zlib sees the end while reading the header. */
  expect_failure(write_file("cut.gz", subset, 40000), subset_labels,
                 CNN_STATUS_BAD_FORMAT, "the compressed stream is truncated");
  CHECK(!strstr(cnn_last_error(), "offset 16 "), "the cut is placed where the data ends, "
        "not where zlib first noticed it: %s", cnn_last_error());
  for (size_t i = 20; i < 60; i++) subset[i] ^= 0x5a;
  expect_failure(write_file("garbled.gz", subset, subset_size), subset_labels,
                 CNN_STATUS_BAD_FORMAT, "corrupt gzip data");
  free(subset);
}

int main(void) {
  dir = test_temp_dir("test_idx");
  test_bad_files();
  const int zlib = zlib_available();
  if (zlib) {
    test_subset();
    test_bad_gzip();
  }
  test_remove_dir(dir);
  return zlib ? test_finish("test_idx") : test_finish_partial("test_idx", "zlib");
}
