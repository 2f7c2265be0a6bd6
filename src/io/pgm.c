/* PGM (netpbm grey maps): "P5" (binary) or "P2" (ASCII), then width,
 * height and maxval separated by whitespace and "#" comments, then one
 * whitespace character and height*width samples, row by row. Binary
 * samples take one byte when maxval < 256, else two (big-endian). */
#include <string.h>

#include "io/grey_image.h"
#include "runtime/error.h"
#include "runtime/memory.h"

#define PGM_MAX_MAXVAL 65535

typedef struct cursor {
  const char *path;
  const uint8_t *data;
  size_t size, at;
} cursor;

static int is_space(uint8_t c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

int cnn_is_pgm(const uint8_t *data, size_t size) {
  return size >= 3 && data[0] == 'P' && (data[1] == '5' || data[1] == '2') && is_space(data[2]);
}

static void skip_space_and_comments(cursor *c) {
  while (c->at < c->size) {
    if (is_space(c->data[c->at])) {
      c->at++;
    } else if (c->data[c->at] == '#') {
      while (c->at < c->size && c->data[c->at] != '\n') c->at++;
    } else {
      break;
    }
  }
}

/* A decimal number in 0..max (what names it in messages). */
static cnn_status read_number(cursor *c, const char *what, uint64_t max, uint64_t *value) {
  skip_space_and_comments(c);
  size_t start = c->at;
  if (c->at >= c->size)
    return cnn_error(CNN_STATUS_BAD_FORMAT, "%s: truncated PGM: expected the %s at offset %zu",
                     c->path, what, start);
  if (c->data[c->at] < '0' || c->data[c->at] > '9')
    return cnn_error(CNN_STATUS_BAD_FORMAT,
                     "%s: offset %zu: expected the %s (a decimal number), found '%c'", c->path,
                     start, what, c->data[c->at]);
  uint64_t v = 0;
  while (c->at < c->size && c->data[c->at] >= '0' && c->data[c->at] <= '9') {
    v = v * 10 + (uint64_t)(c->data[c->at++] - '0');
    if (v > max)
      return cnn_error(CNN_STATUS_BAD_FORMAT, "%s: offset %zu: %s above %llu", c->path, start,
                       what, (unsigned long long)max);
  }
  *value = v;
  return CNN_STATUS_OK;
}

static cnn_status read_binary_samples(cursor *c, uint64_t maxval, float *pixels, size_t count) {
  size_t bytes_per_sample = maxval < 256 ? 1 : 2;
  if (count > (c->size - c->at) / bytes_per_sample)
    return cnn_error(CNN_STATUS_BAD_FORMAT,
                     "%s: truncated PGM: expected %zu bytes of pixels at offset %zu, found %zu",
                     c->path, count * bytes_per_sample, c->at, c->size - c->at);
  const uint8_t *p = c->data + c->at;
  for (size_t i = 0; i < count; i++) {
    unsigned v = bytes_per_sample == 1 ? p[i] : (unsigned)p[2 * i] << 8 | p[2 * i + 1];
    if (v > maxval)
      return cnn_error(CNN_STATUS_BAD_FORMAT, "%s: offset %zu: sample %u above maxval %llu",
                       c->path, c->at + i * bytes_per_sample, v, (unsigned long long)maxval);
    pixels[i] = (float)((double)v / (double)maxval);
  }
  return CNN_STATUS_OK;
}

static cnn_status read_ascii_samples(cursor *c, uint64_t maxval, float *pixels, size_t count) {
  for (size_t i = 0; i < count; i++) {
    uint64_t v;
    cnn_status st = read_number(c, "sample", maxval, &v);
    if (st != CNN_STATUS_OK) return st;
    pixels[i] = (float)((double)v / (double)maxval);
  }
  return CNN_STATUS_OK;
}

cnn_status cnn_pgm_decode(const char *path, const uint8_t *data, size_t size,
                          cnn_grey_image *image) {
  memset(image, 0, sizeof *image);
  cursor c = {path, data, size, 2};
  int binary = data[1] == '5';
  uint64_t width, height, maxval;
  cnn_status st = read_number(&c, "width", CNN_IMAGE_MAX_PIXELS, &width);
  if (st == CNN_STATUS_OK) st = read_number(&c, "height", CNN_IMAGE_MAX_PIXELS, &height);
  if (st == CNN_STATUS_OK) st = read_number(&c, "maxval", PGM_MAX_MAXVAL, &maxval);
  if (st != CNN_STATUS_OK) return st;
  if (width < 1 || height < 1 || width * height > CNN_IMAGE_MAX_PIXELS || maxval < 1)
    return cnn_error(CNN_STATUS_BAD_FORMAT,
                     "%s: PGM of %llux%llu pixels with maxval %llu: expected 1..%llu pixels "
                     "and maxval 1..%d", path, (unsigned long long)width,
                     (unsigned long long)height, (unsigned long long)maxval,
                     (unsigned long long)CNN_IMAGE_MAX_PIXELS, PGM_MAX_MAXVAL);
  if (c.at >= size || !is_space(data[c.at]))
    return cnn_error(CNN_STATUS_BAD_FORMAT,
                     "%s: offset %zu: expected one whitespace byte after the maxval", path, c.at);
  c.at++;
  size_t count = (size_t)(width * height);
  /* Each ASCII sample takes a digit and a separator (but the last): check
   * the file can hold them before allocating. */
  if (!binary && count > (size - c.at + 1) / 2)
    return cnn_error(CNN_STATUS_BAD_FORMAT,
                     "%s: truncated PGM: %zu samples cannot fit in the %zu bytes after offset %zu",
                     path, count, size - c.at, c.at);
  float *pixels = cnn_alloc(count, sizeof *pixels, "PGM pixels");
  if (!pixels) return CNN_STATUS_OUT_OF_MEMORY;
  st = binary ? read_binary_samples(&c, maxval, pixels, count)
              : read_ascii_samples(&c, maxval, pixels, count);
  if (st != CNN_STATUS_OK) {
    cnn_free(pixels);
    return st;
  }
  *image = (cnn_grey_image){pixels, (int)width, (int)height};
  return CNN_STATUS_OK;
}
