/* Internal: the source planes of the direct convolution path.
 *
 * The direct path reads its B operand straight from memory instead of
 * packing it: every reduction step (a channel and a filter tap) reads
 * consecutive output positions from consecutive addresses. To make that
 * true, the source (the image, or the output gradient in backward-data) is
 * copied once per image into planes: zero-padded, and for strided forward
 * passes split into stride phases. Plane (c, qy, qx) holds
 *   element (i, j) = src[c][i*step_y + qy - origin_y][j*step_x + qx - origin_x]
 * (zero outside the source), planes are h x w and follow each other in
 * (c, qy, qx) order. Outputs are computed in rows of w positions, of which
 * only the first ones are real; the others are discarded. */
#ifndef CNN_CONV_DIRECT_PLANES_H
#define CNN_CONV_DIRECT_PLANES_H

#include <stddef.h>
#include <stdint.h>

#include "conv/conv.h"

struct cnn_direct_planes {
  int channels, src_h, src_w; /* the source, one image */
  int step_y, step_x;         /* stride phases (1 = no split) */
  int origin_y, origin_x;     /* top and left zero padding */
  int h, w;                   /* one plane */
  size_t len;     /* floats of the buffer: the planes and a zeroed slack that
                     tiles may read past the last plane */
  int in_place;   /* the source is its own planes: nothing is copied */
};

/* The planes of the input for forward and backward-weights. Output row oy,
 * column ox reads tap (r, s) of channel c at plane offset
 * cnn_direct_forward_row(c, r, s) + oy*w + ox. */
void cnn_direct_forward_planes(const struct cnn_conv_problem *p,
                               struct cnn_direct_planes *planes);
int32_t cnn_direct_forward_row(const struct cnn_conv_problem *p,
                               const struct cnn_direct_planes *planes, int c,
                               int r, int s);

/* The plane offsets (cnn_direct_forward_row) of a forward pass's
 * reduction steps, in (c, r, s) order. */
void cnn_direct_forward_steps(const struct cnn_conv_problem *p,
                              const struct cnn_direct_planes *planes, int32_t *rows);

/* The share of the lanes that do useful work when the output rows of p
 * are computed in the forward planes' flattened rows (positions past the
 * output width are discarded). */
double cnn_direct_plane_rows_used(const struct cnn_conv_problem *p);

/* Number of planes (channels times stride phases). */
size_t cnn_direct_plane_count(const struct cnn_direct_planes *planes);

/* Grows planes->len so that a read of `reach` floats from any offset up to
 * max_row stays inside the buffer. */
void cnn_direct_planes_reserve(struct cnn_direct_planes *planes, size_t max_row,
                               size_t reach);

/* The planes of image `image` of a batch at src (images image_floats
 * apart): the image itself when its planes are in place, else all its
 * planes built into buffer. */
const float *cnn_direct_image_planes(const struct cnn_direct_planes *planes,
                                     const float *src, size_t image_floats, int image,
                                     float *buffer);

#endif
