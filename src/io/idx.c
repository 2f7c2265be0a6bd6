/* IDX data sets (the MNIST layout): a big-endian header (two zero bytes,
 * the element type 0x08 for unsigned bytes, the rank, then one uint32 size
 * per dimension) followed by the elements. Images are rank 3 (count, rows,
 * cols), labels rank 1 (count). */
#include "cnn/data.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "io/file_reader.h"
#include "runtime/error.h"
#include "runtime/memory.h"

#define IDX_TYPE_UBYTE 0x08
#define IDX_MAX_SIDE 4096 /* rows and cols; MNIST-like sets are far smaller */

static uint32_t be32(const uint8_t *p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Reads and checks an IDX header of the given rank into dims. */
static cnn_status read_header(cnn_file_reader *r, int rank, const char *kind,
                              uint32_t dims[3]) {
  uint8_t header[4 + 4 * 3];
  size_t size = 4 + 4 * (size_t)rank;
  cnn_status st = cnn_file_reader_read(r, header, size, "IDX header");
  if (st != CNN_STATUS_OK) return st;
  uint32_t magic = be32(header), want = (uint32_t)IDX_TYPE_UBYTE << 8 | (uint32_t)rank;
  if (header[0] != 0 || header[1] != 0)
    return cnn_error(CNN_STATUS_BAD_FORMAT,
                     "%s: offset 0: wrong magic 0x%08x, expected 0x%08x (IDX %s): not an "
                     "IDX file", r->path, magic, want, kind);
  if (header[2] != IDX_TYPE_UBYTE)
    return cnn_error(CNN_STATUS_BAD_FORMAT,
                     "%s: offset 2: element type 0x%02x, expected 0x%02x (unsigned bytes)",
                     r->path, header[2], IDX_TYPE_UBYTE);
  if (header[3] != rank)
    return cnn_error(CNN_STATUS_BAD_FORMAT,
                     "%s: offset 3: rank %d, expected %d (IDX %s)", r->path, header[3],
                     rank, kind);
  for (int i = 0; i < rank; i++) dims[i] = be32(header + 4 + 4 * i);
  if (dims[0] < 1 || dims[0] > INT_MAX)
    return cnn_error(CNN_STATUS_BAD_FORMAT, "%s: offset 4: count %u, expected 1..%d",
                     r->path, dims[0], INT_MAX);
  for (int i = 1; i < rank; i++)
    if (dims[i] < 1 || dims[i] > IDX_MAX_SIDE)
      return cnn_error(CNN_STATUS_BAD_FORMAT, "%s: offset %d: %s %u, expected 1..%d",
                       r->path, 4 + 4 * i, i == 1 ? "rows" : "cols", dims[i],
                       IDX_MAX_SIDE);
  return CNN_STATUS_OK;
}

/* Reads the body of n bytes and checks that nothing follows it. */
static cnn_status read_body(cnn_file_reader *r, size_t n, const char *what, uint8_t **out) {
  cnn_status st = cnn_file_reader_read_alloc(r, n, what, out);
  if (st == CNN_STATUS_OK) st = cnn_file_reader_expect_end(r);
  if (st != CNN_STATUS_OK) {
    cnn_free(*out);
    *out = NULL;
  }
  return st;
}

static cnn_status check_labels(const char *path, const uint8_t *labels, int count) {
  for (int i = 0; i < count; i++)
    if (labels[i] >= CNN_DATASET_CLASSES)
      return cnn_error(CNN_STATUS_BAD_FORMAT,
                       "%s: offset %d: label %u of item %d, expected 0..%d", path, 8 + i,
                       labels[i], i, CNN_DATASET_CLASSES - 1);
  return CNN_STATUS_OK;
}

cnn_status cnn_dataset_load_files(const char *images_path, const char *labels_path,
                                  cnn_dataset *ds) {
  if (!ds) return cnn_error(CNN_STATUS_INVALID_ARGUMENT, "dataset: ds is NULL");
  memset(ds, 0, sizeof *ds);
  if (!images_path || !labels_path)
    return cnn_error(CNN_STATUS_INVALID_ARGUMENT, "dataset: a file path is NULL");

  cnn_file_reader images, labels;
  cnn_status st = cnn_file_reader_open(&images, images_path);
  if (st != CNN_STATUS_OK) return st;
  st = cnn_file_reader_open(&labels, labels_path);
  if (st != CNN_STATUS_OK) {
    cnn_file_reader_close(&images);
    return st;
  }
  /* Both headers first: the counts must agree before any body is read. */
  uint32_t image_dims[3] = {0}, label_dims[3] = {0};
  st = read_header(&images, 3, "images, magic 0x00000803", image_dims);
  if (st == CNN_STATUS_OK) st = read_header(&labels, 1, "labels, magic 0x00000801", label_dims);
  if (st == CNN_STATUS_OK && image_dims[0] != label_dims[0])
    st = cnn_error(CNN_STATUS_BAD_FORMAT, "%s has %u images but %s has %u labels",
                   images_path, image_dims[0], labels_path, label_dims[0]);
  cnn_dataset loaded = {NULL, NULL, (int)image_dims[0], (int)image_dims[1],
                        (int)image_dims[2]};
  if (st == CNN_STATUS_OK) {
    size_t pixels = (size_t)image_dims[0] * image_dims[1] * image_dims[2];
    st = read_body(&images, pixels, "image data", &loaded.images);
  }
  if (st == CNN_STATUS_OK) st = read_body(&labels, label_dims[0], "label data", &loaded.labels);
  if (st == CNN_STATUS_OK) st = check_labels(labels_path, loaded.labels, loaded.count);
  cnn_file_reader_close(&images);
  cnn_file_reader_close(&labels);
  if (st != CNN_STATUS_OK) {
    cnn_dataset_free(&loaded);
    return st;
  }
  *ds = loaded;
  return CNN_STATUS_OK;
}

/* Writes "<dir>/<split>-<kind>" (kind "images-idx3-ubyte" or
 * "labels-idx1-ubyte"), or that name with ".gz" when only that exists. */
static cnn_status find_file(const char *dir, const char *split, const char *kind, char *path,
                            size_t size) {
  int length = snprintf(path, size, "%s/%s-%s", dir, split, kind);
  if (length < 0 || (size_t)length + 3 >= size)
    return cnn_error(CNN_STATUS_INVALID_ARGUMENT, "dataset: directory name too long: %s", dir);
  FILE *fp = fopen(path, "rb");
  if (fp) {
    fclose(fp);
    return CNN_STATUS_OK;
  }
  strcat(path, ".gz");
  fp = fopen(path, "rb");
  if (fp) {
    fclose(fp);
    return CNN_STATUS_OK;
  }
  path[length] = '\0';
  return cnn_error(CNN_STATUS_IO_ERROR, "%s: no such data set file (nor %s.gz)", path, path);
}

cnn_status cnn_dataset_load(const char *dir, const char *split, cnn_dataset *ds) {
  if (ds) memset(ds, 0, sizeof *ds);
  if (!dir || !split || !ds || !*split || strchr(split, '/'))
    return cnn_error(CNN_STATUS_INVALID_ARGUMENT,
                     "dataset: need a directory and a split such as \"train\" or \"t10k\"");
  char images[4096], labels[4096];
  cnn_status st = find_file(dir, split, "images-idx3-ubyte", images, sizeof images);
  if (st == CNN_STATUS_OK) st = find_file(dir, split, "labels-idx1-ubyte", labels, sizeof labels);
  if (st != CNN_STATUS_OK) return st;
  return cnn_dataset_load_files(images, labels, ds);
}

void cnn_dataset_free(cnn_dataset *ds) {
  if (!ds) return;
  cnn_free(ds->images);
  cnn_free(ds->labels);
  memset(ds, 0, sizeof *ds);
}
