#include "cli/grid.h"

#include <stdlib.h>
#include <string.h>

#include "cnn/image.h"

#define GAP 2 /* pixels between tiles and around the picture */
#define MAX_SIDE 16384

cnn_status cli_grid_init(struct cli_grid *g, int tiles, int columns, int tile_h,
                         int tile_w, int scale) {
  memset(g, 0, sizeof *g);
  int rows = (tiles + columns - 1) / columns;
  long long height = GAP + (long long)rows * (tile_h * scale + GAP);
  long long width = GAP + (long long)columns * (tile_w * scale + GAP);
  if (height > MAX_SIDE || width > MAX_SIDE) return CNN_STATUS_INVALID_ARGUMENT;
  g->pixels = malloc((size_t)height * (size_t)width);
  if (!g->pixels) return CNN_STATUS_OUT_OF_MEMORY;
  memset(g->pixels, 255, (size_t)height * (size_t)width);
  *g = (struct cli_grid){columns, tile_h, tile_w, scale, (int)height, (int)width,
                         g->pixels};
  return CNN_STATUS_OK;
}

void cli_grid_put(struct cli_grid *g, int index, const float *values, float lo,
                  float hi) {
  int top = GAP + index / g->columns * (g->tile_h * g->scale + GAP);
  int left = GAP + index % g->columns * (g->tile_w * g->scale + GAP);
  float range = hi > lo ? hi - lo : 1.0f;
  for (int y = 0; y < g->tile_h * g->scale; y++)
    for (int x = 0; x < g->tile_w * g->scale; x++) {
      float v = (values[(y / g->scale) * g->tile_w + x / g->scale] - lo) / range;
      v = v < 0 ? 0 : v > 1 ? 1 : v;
      g->pixels[(size_t)(top + y) * g->width + left + x] = (uint8_t)(v * 255.0f + 0.5f);
    }
}

cnn_status cli_grid_save(const struct cli_grid *g, const char *path) {
  return cnn_image_save_png(path, g->pixels, g->height, g->width);
}

void cli_grid_free(struct cli_grid *g) {
  free(g->pixels);
  memset(g, 0, sizeof *g);
}
