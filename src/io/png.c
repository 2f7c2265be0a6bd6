/* PNG through libpng's simplified API, which handles every colour type and
 * bit depth, gamma and palettes, and reports errors in the png_image rather
 * than printing them. Without libpng, PNG files are refused with a message
 * saying so (PGM still works). */
#include <string.h>

#ifdef CNN_HAVE_PNG
#include <png.h>
#endif

#include "cnn/image.h"
#include "io/atomic_file.h"
#include "io/grey_image.h"
#include "runtime/error.h"
#include "runtime/memory.h"

static const uint8_t png_signature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

int cnn_is_png(const uint8_t *data, size_t size) {
  return size >= sizeof png_signature && !memcmp(data, png_signature, sizeof png_signature);
}

#ifdef CNN_HAVE_PNG

cnn_status cnn_png_decode(const char *path, const uint8_t *data, size_t size,
                          cnn_grey_image *image) {
  memset(image, 0, sizeof *image);
  png_image png;
  memset(&png, 0, sizeof png);
  png.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_memory(&png, data, size))
    return cnn_error(CNN_STATUS_BAD_FORMAT, "%s: bad PNG: %s", path, png.message);
  uint64_t pixels = (uint64_t)png.width * png.height;
  if (pixels > CNN_IMAGE_MAX_PIXELS) {
    cnn_status st = cnn_error(CNN_STATUS_BAD_FORMAT,
                              "%s: PNG of %ux%u pixels, more than the %llu accepted", path,
                              png.width, png.height, (unsigned long long)CNN_IMAGE_MAX_PIXELS);
    png_image_free(&png);
    return st;
  }
  /* Transparent pixels become white: drawings saved with a transparent
   * background then read as dark strokes on white, like opaque ones. */
  png.format = PNG_FORMAT_GRAY;
  png_color white = {255, 255, 255};
  uint8_t *grey = cnn_alloc(pixels, 1, "PNG pixels");
  float *values = grey ? cnn_alloc(pixels, sizeof *values, "image pixels") : NULL;
  if (!values) {
    cnn_free(grey);
    png_image_free(&png);
    return CNN_STATUS_OUT_OF_MEMORY;
  }
  if (!png_image_finish_read(&png, &white, grey, 0, NULL)) {
    cnn_status st = cnn_error(CNN_STATUS_BAD_FORMAT, "%s: bad PNG: %s", path, png.message);
    png_image_free(&png);
    cnn_free(grey);
    cnn_free(values);
    return st;
  }
  for (uint64_t i = 0; i < pixels; i++) values[i] = grey[i] / 255.0f;
  cnn_free(grey);
  *image = (cnn_grey_image){values, (int)png.width, (int)png.height};
  return CNN_STATUS_OK;
}

cnn_status cnn_image_save_png(const char *path, const uint8_t *pixels, int rows, int cols) {
  if (!path || !pixels || rows < 1 || cols < 1 ||
      (uint64_t)rows * (uint64_t)cols > CNN_IMAGE_MAX_PIXELS)
    return cnn_error(CNN_STATUS_INVALID_ARGUMENT,
                     "save PNG: need a path, pixels and 1..%llu pixels, got %dx%d",
                     (unsigned long long)CNN_IMAGE_MAX_PIXELS, rows, cols);
  cnn_atomic_file file;
  cnn_status st = cnn_atomic_file_open(&file, path);
  if (st != CNN_STATUS_OK) return st;
  png_image png;
  memset(&png, 0, sizeof png);
  png.version = PNG_IMAGE_VERSION;
  png.width = (png_uint_32)cols;
  png.height = (png_uint_32)rows;
  png.format = PNG_FORMAT_GRAY;
  if (!png_image_write_to_stdio(&png, file.fp, 0, pixels, cols, NULL)) {
    st = cnn_error(CNN_STATUS_IO_ERROR, "%s: cannot write PNG: %s", path, png.message);
    png_image_free(&png);
    cnn_atomic_file_discard(&file);
    return st;
  }
  return cnn_atomic_file_commit(&file);
}

#else

cnn_status cnn_png_decode(const char *path, const uint8_t *data, size_t size,
                          cnn_grey_image *image) {
  (void)data, (void)size;
  memset(image, 0, sizeof *image);
  return cnn_error(CNN_STATUS_UNIMPLEMENTED,
                   "%s: is a PNG, but this cnn was built without libpng (use a PGM, or "
                   "rebuild with libpng-dev)", path);
}

cnn_status cnn_image_save_png(const char *path, const uint8_t *pixels, int rows, int cols) {
  (void)pixels, (void)rows, (void)cols;
  return cnn_error(CNN_STATUS_UNIMPLEMENTED,
                   "%s: this cnn was built without libpng and cannot write PNG", path);
}

#endif
