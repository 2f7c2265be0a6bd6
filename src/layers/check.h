/* Internal: the argument checks of the layer API. Each failing check sets a
 * message that starts with the calling function's name (fn, such as
 * "conv2d_forward") and names the argument, then returns
 * CNN_STATUS_INVALID_ARGUMENT; a passing one returns CNN_STATUS_OK. */
#ifndef CNN_LAYERS_CHECK_H
#define CNN_LAYERS_CHECK_H

#include "cnn/tensor.h"

/* Returns the status of expr from the calling function unless it is OK. */
#define CNN_TRY(expr)                                          \
  do {                                                         \
    cnn_status cnn_try_status_ = (expr);                       \
    if (cnn_try_status_ != CNN_STATUS_OK) return cnn_try_status_; \
  } while (0)

cnn_status cnn_check_pointer(const char *fn, const char *name, const void *p);

/* t is non-NULL, has data and every size >= 1. */
cnn_status cnn_check_tensor(const char *fn, const char *name, const cnn_tensor *t);

/* cnn_check_tensor, and t has exactly the shape (n, c, h, w). */
cnn_status cnn_check_shape(const char *fn, const char *name, const cnn_tensor *t,
                           int n, int c, int h, int w);

/* A sliding window (a filter or a pooling window) of size r x s over an
 * input of h x w: sizes >= 1, strides >= 1, padding >= 0, the window no
 * larger than the padded input. Sets the output size. what names the window
 * in messages ("filter", "window"). */
struct cnn_window {
  int r, s;
  int stride_h, stride_w;
  int pad_h, pad_w;
};
cnn_status cnn_check_window(const char *fn, const char *what, int h, int w,
                            const struct cnn_window *win, int *oh, int *ow);

#endif
