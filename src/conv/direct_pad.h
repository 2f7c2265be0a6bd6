/* Internal: filling zero-padded planes with one image at a time.
 *
 * The padding of a plane is the same zeros for every image, so passes that
 * go through many small images zero their plane buffers once and then only
 * copy each image into the interior (for MNIST-sized images the per-row
 * calls of a full rebuild cost as much as a tenth of a pass). */
#ifndef CNN_CONV_DIRECT_PAD_H
#define CNN_CONV_DIRECT_PAD_H

/* Copies channels planes of src_h x src_w into dst, planes of h x w that
 * follow each other, each image plane at row top and column left; nothing
 * else of dst is written. The image must fit: top + src_h <= h and
 * left + src_w <= w. */
void cnn_direct_pad_interior(int channels, int src_h, int src_w, const float *src, int h,
                             int w, int top, int left, float *dst);

#endif
