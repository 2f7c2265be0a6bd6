/* Labelled image data sets in the IDX format of MNIST (raw or gzip). */
#ifndef CNN_DATA_H
#define CNN_DATA_H

#include <stdint.h>
#include "cnn/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cnn_dataset {
  uint8_t *images; /* count * rows * cols grey values, row-major, image after image */
  uint8_t *labels; /* count class indices, each < CNN_DATASET_CLASSES */
  int count, rows, cols;
} cnn_dataset;

#define CNN_DATASET_CLASSES 10

/* Reads an IDX image file (magic 0x00000803) and its IDX label file (magic
 * 0x00000801), each raw or gzip-compressed (detected by content). Every
 * header field is validated against the file's length before anything is
 * allocated; counts must agree and labels must be < CNN_DATASET_CLASSES. */
cnn_status cnn_dataset_load_files(const char *images_path, const char *labels_path,
                                  cnn_dataset *ds);

/* Reads <dir>/<split>-images-idx3-ubyte and <dir>/<split>-labels-idx1-ubyte,
 * each with or without ".gz"; split is "train" or "t10k". */
cnn_status cnn_dataset_load(const char *dir, const char *split, cnn_dataset *ds);

void cnn_dataset_free(cnn_dataset *ds);

#ifdef __cplusplus
}
#endif
#endif
