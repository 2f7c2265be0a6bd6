/* Loading an image as grey values at the size a network wants: decode by
 * content (PNG or PGM), then resample by area averaging. */
#include "cnn/image.h"

#include <string.h>

#include "io/grey_image.h"
#include "io/whole_file.h"
#include "runtime/error.h"
#include "runtime/memory.h"

/* Files above this are refused before being read. */
#define IMAGE_MAX_FILE_BYTES ((uint64_t)1 << 28)
/* Largest output accepted (rows and cols each). */
#define IMAGE_MAX_SIDE 4096

/* Resamples n source values (stride apart) to m (stride apart) by area:
 * output k averages the source over [k*n/m, (k+1)*n/m), each source value
 * weighted by how much of that interval it covers. This shrinks by averaging
 * and enlarges by replication, blending only at fractional edges. */
static void resample_line(const float *src, size_t src_stride, int n, float *dst,
                          size_t dst_stride, int m) {
  double scale = (double)n / m;
  for (int k = 0; k < m; k++) {
    double lo = k * scale, hi = (k + 1) * scale, sum = 0, weight = 0;
    int last = (int)hi < n - 1 ? (int)hi : n - 1;
    for (int s = (int)lo; s <= last; s++) {
      double a = s > lo ? s : lo, b = s + 1 < hi ? s + 1 : hi;
      if (b > a) sum += (b - a) * src[(size_t)s * src_stride], weight += b - a;
    }
    double mean = sum / weight; /* clamped: rounding must not leave [0,1] */
    dst[(size_t)k * dst_stride] = (float)(mean < 0 ? 0 : mean > 1 ? 1 : mean);
  }
}

/* Area resampling of a whole image: rows first, then columns. */
static cnn_status resample(const cnn_grey_image *image, int rows, int cols, float *out) {
  float *wide = cnn_alloc((size_t)image->height * (size_t)cols, sizeof *wide, "resampling");
  if (!wide) return CNN_STATUS_OUT_OF_MEMORY;
  for (int y = 0; y < image->height; y++)
    resample_line(image->pixels + (size_t)y * image->width, 1, image->width,
                  wide + (size_t)y * cols, 1, cols);
  for (int x = 0; x < cols; x++)
    resample_line(wide + x, (size_t)cols, image->height, out + x, (size_t)cols, rows);
  cnn_free(wide);
  return CNN_STATUS_OK;
}

cnn_status cnn_image_load_grey(const char *path, int rows, int cols, float *out) {
  if (!path || !out || rows < 1 || cols < 1 || rows > IMAGE_MAX_SIDE || cols > IMAGE_MAX_SIDE)
    return cnn_error(CNN_STATUS_INVALID_ARGUMENT,
                     "load image: need a path, an output and a size of 1..%d, got %dx%d",
                     IMAGE_MAX_SIDE, rows, cols);
  uint8_t *data;
  size_t size;
  cnn_status st = cnn_read_whole_file(path, IMAGE_MAX_FILE_BYTES, "image", &data, &size);
  if (st != CNN_STATUS_OK) return st;
  cnn_grey_image image;
  if (cnn_is_png(data, size))
    st = cnn_png_decode(path, data, size, &image);
  else if (cnn_is_pgm(data, size))
    st = cnn_pgm_decode(path, data, size, &image);
  else
    st = cnn_error(CNN_STATUS_BAD_FORMAT,
                   "%s: not a PNG or PGM image (%s); convert it to PNG or PGM first", path,
                   size == 0 ? "the file is empty" : "unknown first bytes");
  cnn_free(data);
  if (st != CNN_STATUS_OK) return st;
  st = resample(&image, rows, cols, out);
  cnn_free(image.pixels);
  return st;
}
