/* Internal: decoded grey images and the decoders of the formats that
 * cnn_image_load_grey accepts. */
#ifndef CNN_IO_GREY_IMAGE_H
#define CNN_IO_GREY_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "cnn/status.h"

/* Largest image accepted, in pixels (a 12-megapixel photo fits). */
#define CNN_IMAGE_MAX_PIXELS ((uint64_t)1 << 25)

typedef struct cnn_grey_image {
  float *pixels; /* height * width values in [0,1], row-major (cnn_alloc) */
  int width, height;
} cnn_grey_image;

/* Nonzero when data starts like a PNG or a PGM (P5 or P2) file. */
int cnn_is_png(const uint8_t *data, size_t size);
int cnn_is_pgm(const uint8_t *data, size_t size);

/* Decode size bytes of a file (path names it in messages) into image. */
cnn_status cnn_png_decode(const char *path, const uint8_t *data, size_t size,
                          cnn_grey_image *image);
cnn_status cnn_pgm_decode(const char *path, const uint8_t *data, size_t size,
                          cnn_grey_image *image);

#endif
