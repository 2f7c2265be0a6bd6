/* Grey images in and out: PNG (libpng) and PGM. */
#ifndef CNN_IMAGE_H
#define CNN_IMAGE_H

#include <stdint.h>
#include "cnn/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Reads a PNG (any colour type or depth) or a binary/ASCII PGM (P5/P2),
 * converts it to grey and resamples it (area average) to rows x cols,
 * writing rows*cols values in [0,1] to out (0 black, 1 white; the values
 * are not inverted to MNIST's white-on-black). The format is detected by
 * content, not by name; anything else is CNN_STATUS_BAD_FORMAT. Colour
 * becomes its sRGB luminance; transparent pixels become white. Images of
 * more than 2^25 pixels, and rows or cols above 4096, are refused. */
cnn_status cnn_image_load_grey(const char *path, int rows, int cols, float *out);

/* Writes an 8-bit grey PNG of rows x cols pixels (row-major), atomically
 * (temporary file, then rename). */
cnn_status cnn_image_save_png(const char *path, const uint8_t *pixels, int rows,
                              int cols);

#ifdef __cplusplus
}
#endif
#endif
