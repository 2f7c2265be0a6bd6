/* A grey picture made of equal tiles in rows, each value block scaled up
 * (nearest neighbour) with a white gap between tiles. */
#ifndef CNN_CLI_GRID_H
#define CNN_CLI_GRID_H

#include <stdint.h>

#include "cnn/status.h"

struct cli_grid {
  int columns, tile_h, tile_w, scale;
  int height, width; /* in pixels */
  uint8_t *pixels;
};

/* tiles of tile_h x tile_w values, columns per row; CNN_STATUS_OUT_OF_MEMORY
 * or CNN_STATUS_INVALID_ARGUMENT (too large a picture) on failure. */
cnn_status cli_grid_init(struct cli_grid *grid, int tiles, int columns, int tile_h,
                         int tile_w, int scale);
/* Tile index from tile_h*tile_w values, lo -> black, hi -> white (clamped). */
void cli_grid_put(struct cli_grid *grid, int index, const float *values, float lo,
                  float hi);
cnn_status cli_grid_save(const struct cli_grid *grid, const char *path);
void cli_grid_free(struct cli_grid *grid);

#endif
