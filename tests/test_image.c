/* Images: PNG written and read back, PNGs of other colour types (made with
 * libpng's own writer), binary and ASCII PGM, area resampling of known
 * patterns, and files that are not images or are broken. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cnn/image.h"
#include "testutil.h"

#ifdef CNN_TEST_HAVE_LIBPNG /* tests/CMakeLists.txt: when libcnn has libpng */
#include <png.h>
#endif

static const char *dir;
static int have_png;

static const char *path_in_dir(const char *name) {
  static char paths[16][128];
  static int next;
  char *path = paths[next++ % 16];
  snprintf(path, sizeof paths[0], "%s/%s", dir, name);
  return path;
}

static const char *write_text(const char *name, const char *text) {
  const char *path = path_in_dir(name);
  test_write_file(path, text, strlen(text));
  return path;
}

static void expect_pixels(const char *what, const char *path, int rows, int cols,
                          const float *want, double atol) {
  float got[64];
  CHECK_OK(cnn_image_load_grey(path, rows, cols, got));
  test_close(what, got, want, (size_t)rows * cols, atol, 0);
}

static void test_png_round_trip(void) {
  uint8_t pixels[5 * 7];
  float want[5 * 7];
  for (int i = 0; i < 5 * 7; i++) pixels[i] = (uint8_t)(i * 7 + 3), want[i] = pixels[i] / 255.0f;
  const char *path = path_in_dir("round-trip.png");
  cnn_status st = cnn_image_save_png(path, pixels, 5, 7);
  if (st == CNN_STATUS_UNIMPLEMENTED) { /* the test ends as skipped */
    CHECK_ERROR(cnn_image_load_grey(path, 1, 1, want), CNN_STATUS_IO_ERROR, "cannot open");
    return;
  }
  have_png = 1;
  CHECK_OK(st);
  expect_pixels("PNG round trip", path, 5, 7, want, 0);
  /* Saving again replaces the file, and leaves no temporary file. */
  memset(pixels, 0, sizeof pixels);
  CHECK_OK(cnn_image_save_png(path, pixels, 5, 7));
  memset(want, 0, sizeof want);
  expect_pixels("PNG saved over", path, 5, 7, want, 0);
  char tmp[160];
  snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
  CHECK(access(tmp, F_OK) != 0, "temporary file %s left behind", tmp);
  CHECK_ERROR(cnn_image_save_png(path_in_dir("no-dir/x.png"), pixels, 5, 7),
              CNN_STATUS_IO_ERROR, "cannot create");
  CHECK_ERROR(cnn_image_save_png(path, pixels, 0, 7), CNN_STATUS_INVALID_ARGUMENT, "0x7");
}

#ifdef CNN_TEST_HAVE_LIBPNG
/* Writes a 2x2 PNG of the given simplified-API format with libpng. */
static const char *write_png(const char *name, png_uint_32 format, const void *pixels,
                             const void *colormap, int colormap_entries) {
  png_image png;
  memset(&png, 0, sizeof png);
  png.version = PNG_IMAGE_VERSION;
  png.width = png.height = 2;
  png.format = format;
  png.colormap_entries = (png_uint_32)colormap_entries;
  const char *path = path_in_dir(name);
  FILE *fp = fopen(path, "wb");
  int ok = fp && png_image_write_to_stdio(&png, fp, 0, pixels, 0, colormap);
  if (fp) fclose(fp);
  CHECK(ok, "writing %s: %s", name, png.message);
  return path;
}

static void test_png_colour_types(void) {
  if (!have_png) return;
  /* RGB: grey pixels stay themselves; pure colours give their luminance. */
  static const uint8_t rgb[12] = {0, 0, 0, 255, 255, 255, 128, 128, 128, 255, 0, 0};
  float got[4];
  CHECK_OK(cnn_image_load_grey(write_png("rgb.png", PNG_FORMAT_RGB, rgb, NULL, 0), 2, 2, got));
  CHECK(got[0] == 0 && got[1] == 1 && fabsf(got[2] - 128 / 255.0f) <= 1.5f / 255,
        "RGB greys: %g %g %g", got[0], got[1], got[2]);
  CHECK(got[3] > 0.2f && got[3] < 0.7f, "pure red as grey: %g (expected its luminance)", got[3]);
  /* Alpha: transparent is white, opaque keeps its value. */
  static const uint8_t ga[8] = {0, 255, 0, 0, 200, 255, 0, 128};
  CHECK_OK(cnn_image_load_grey(write_png("ga.png", PNG_FORMAT_GA, ga, NULL, 0), 2, 2, got));
  CHECK(got[0] == 0 && got[1] == 1 && fabsf(got[2] - 200 / 255.0f) <= 1.5f / 255 &&
            got[3] > 0.3f && got[3] < 0.9f,
        "grey+alpha: %g %g %g %g", got[0], got[1], got[2], got[3]);
  /* 16-bit linear grey: the ends map to 0 and 1, the middle in between. */
  static const uint16_t linear[4] = {0, 65535, 16384, 49152};
  CHECK_OK(cnn_image_load_grey(write_png("y16.png", PNG_FORMAT_LINEAR_Y, linear, NULL, 0),
                               2, 2, got));
  CHECK(got[0] == 0 && got[1] == 1 && got[2] > 0 && got[2] < got[3] && got[3] < 1,
        "16-bit grey: %g %g %g %g", got[0], got[1], got[2], got[3]);
  /* A palette image. */
  static const uint8_t palette[2 * 3] = {255, 255, 255, 0, 0, 0};
  static const uint8_t indices[4] = {1, 0, 0, 1};
  CHECK_OK(cnn_image_load_grey(
      write_png("palette.png", PNG_FORMAT_RGB_COLORMAP, indices, palette, 2), 2, 2, got));
  CHECK(got[0] == 0 && got[1] == 1 && got[2] == 1 && got[3] == 0, "palette: %g %g %g %g",
        got[0], got[1], got[2], got[3]);
}
#endif

static void test_pgm(void) {
  static const float want[6] = {0, 1 / 255.0f, 128 / 255.0f, 1, 0.5f, 0};
  static const uint8_t p5[] = "P5\n# a comment\n3 2\n255\n\x00\x01\x80\xff\x7f\x00";
  const char *path = path_in_dir("p5.pgm");
  test_write_file(path, p5, sizeof p5 - 1);
  float got[6];
  CHECK_OK(cnn_image_load_grey(path, 2, 3, got));
  CHECK(got[0] == 0 && got[1] == want[1] && got[2] == want[2] && got[3] == 1 &&
            fabsf(got[4] - 127 / 255.0f) < 1e-7f && got[5] == 0,
        "P5: %g %g %g %g %g %g", got[0], got[1], got[2], got[3], got[4], got[5]);

  static const uint8_t p5_16[] = "P5 2 1 1000\n\x03\xe8\x01\xf4"; /* 1000, 500 */
  path = path_in_dir("p5-16.pgm");
  test_write_file(path, p5_16, sizeof p5_16 - 1);
  expect_pixels("16-bit P5", path, 1, 2, (const float[]){1, 0.5f}, 0);

  expect_pixels("P2", write_text("p2.pgm", "P2\n# made by hand\n2 2 # size\n4\n0 1\n2 4\n"), 2,
                2, (const float[]){0, 0.25f, 0.5f, 1}, 0);
}

static void test_resampling(void) {
  /* 4x4 of 2x2 blocks to 2x2: each output is its block's value. */
  const char *blocks = write_text("blocks.pgm", "P2 4 4 4\n"
                                                "0 0 4 4\n"
                                                "0 0 4 4\n"
                                                "2 2 1 1\n"
                                                "2 2 1 1\n");
  expect_pixels("2x2 blocks", blocks, 2, 2, (const float[]){0, 1, 0.5f, 0.25f}, 1e-7);
  /* A pixel's neighbourhood averaged: 4x4 to 1x1 is the mean. */
  expect_pixels("mean", blocks, 1, 1, (const float[]){(0 + 1 + 0.5f + 0.25f) / 4}, 1e-7);
  /* 3 to 2 columns: outputs cover 1.5 pixels each: (0 + 0.5*1)/1.5 and (0.5*1 + 0.5)/1.5. */
  const char *three = write_text("three.pgm", "P2 3 1 2\n0 2 1\n");
  expect_pixels("3 to 2", three, 1, 2, (const float[]){1 / 3.0f, 2 / 3.0f}, 1e-6);
  /* Enlarging 2x1 to 4x2 replicates. */
  const char *two = write_text("two.pgm", "P2 2 1 4\n1 3\n");
  expect_pixels("1x2 to 2x4", two, 2, 4,
                (const float[]){0.25f, 0.25f, 0.75f, 0.75f, 0.25f, 0.25f, 0.75f, 0.75f}, 1e-7);
  /* 56x56 to 28x28 averages 2x2 squares exactly. */
  char *big = malloc(56 * 56 * 4 + 32);
  int at = sprintf(big, "P2 56 56 255\n");
  float want[28 * 28];
  for (int y = 0; y < 56; y++)
    for (int x = 0; x < 56; x++) at += sprintf(big + at, "%d ", (x * 5 + y * 3) % 256);
  for (int y = 0; y < 28; y++)
    for (int x = 0; x < 28; x++) {
      int sum = 0;
      for (int dy = 0; dy < 2; dy++)
        for (int dx = 0; dx < 2; dx++) sum += ((2 * x + dx) * 5 + (2 * y + dy) * 3) % 256;
      want[y * 28 + x] = sum / 4.0f / 255.0f;
    }
  float got[28 * 28];
  CHECK_OK(cnn_image_load_grey(write_text("big.pgm", big), 28, 28, got));
  test_close("56x56 to 28x28", got, want, 28 * 28, 1e-6, 0);
  free(big);
}

static void test_bad_images(void) {
  float out[4];
  CHECK_ERROR(cnn_image_load_grey(path_in_dir("missing.png"), 2, 2, out), CNN_STATUS_IO_ERROR,
              "missing.png: cannot open");
  CHECK_ERROR(cnn_image_load_grey(write_text("text.png", "hello, world\n"), 2, 2, out),
              CNN_STATUS_BAD_FORMAT, "text.png: not a PNG or PGM image");
  CHECK_ERROR(cnn_image_load_grey(write_text("empty.pgm", ""), 2, 2, out),
              CNN_STATUS_BAD_FORMAT, "the file is empty");
  CHECK_ERROR(cnn_image_load_grey(write_text("p5-short.pgm", "P5 3 3 255\nab"), 2, 2, out),
              CNN_STATUS_BAD_FORMAT, "truncated PGM: expected 9 bytes of pixels at offset 11");
  CHECK_ERROR(cnn_image_load_grey(write_text("p5-over.pgm", "P5 2 1 100\n\x10\x65"), 1, 2, out),
              CNN_STATUS_BAD_FORMAT, "sample 101 above maxval 100");
  CHECK_ERROR(cnn_image_load_grey(write_text("p2-over.pgm", "P2 2 1 9\n3 10\n"), 1, 2, out),
              CNN_STATUS_BAD_FORMAT, "sample above 9");
  CHECK_ERROR(cnn_image_load_grey(write_text("p2-short.pgm", "P2 2 2 9\n3 1 4"), 1, 2, out),
              CNN_STATUS_BAD_FORMAT, "truncated PGM");
  CHECK_ERROR(cnn_image_load_grey(write_text("p2-word.pgm", "P2 2 1 9\n3 x\n"), 1, 2, out),
              CNN_STATUS_BAD_FORMAT, "expected the sample (a decimal number), found 'x'");
  CHECK_ERROR(cnn_image_load_grey(write_text("zero.pgm", "P5 0 1 255\n"), 1, 1, out),
              CNN_STATUS_BAD_FORMAT, "PGM of 0x1 pixels");
  CHECK_ERROR(cnn_image_load_grey(write_text("huge.pgm", "P5 30000 30000 255\n"), 1, 1, out),
              CNN_STATUS_BAD_FORMAT, "expected 1..33554432 pixels");
  CHECK_ERROR(cnn_image_load_grey(write_text("maxval.pgm", "P5 1 1 70000\n"), 1, 1, out),
              CNN_STATUS_BAD_FORMAT, "maxval above 65535");
  CHECK_ERROR(cnn_image_load_grey(write_text("header.pgm", "P5 1 "), 1, 1, out),
              CNN_STATUS_BAD_FORMAT, "truncated PGM: expected the height");
  CHECK_ERROR(cnn_image_load_grey(write_text("ok.pgm", "P5 1 1 255\n\x01"), 0, 2, out),
              CNN_STATUS_INVALID_ARGUMENT, "got 0x2");
  CHECK_ERROR(cnn_image_load_grey(write_text("broken.png", "\x89PNG\r\n\x1a\n garbage"), 2, 2,
                                  out),
              have_png ? CNN_STATUS_BAD_FORMAT : CNN_STATUS_UNIMPLEMENTED,
              have_png ? "broken.png: bad PNG" : "without libpng");
  if (have_png) { /* a PNG cut in half */
    uint8_t pixels[64 * 64];
    for (int i = 0; i < 64 * 64; i++) pixels[i] = (uint8_t)(i * 31);
    const char *path = path_in_dir("whole.png");
    CHECK_OK(cnn_image_save_png(path, pixels, 64, 64));
    size_t n;
    uint8_t *png = test_read_file(path, &n);
    path = path_in_dir("cut.png");
    test_write_file(path, png, n / 2);
    CHECK_ERROR(cnn_image_load_grey(path, 2, 2, out), CNN_STATUS_BAD_FORMAT, "cut.png: bad PNG");
    free(png);
  }
}

int main(void) {
  dir = test_temp_dir("test_image");
  test_png_round_trip();
#ifdef CNN_TEST_HAVE_LIBPNG
  test_png_colour_types();
#endif
  test_pgm();
  test_resampling();
  test_bad_images();
  test_remove_dir(dir);
  return have_png ? test_finish("test_image") : test_finish_partial("test_image", "libpng");
}
