#include "layers/check.h"

#include "runtime/error.h"

cnn_status cnn_check_pointer(const char *fn, const char *name, const void *p) {
  return p ? CNN_STATUS_OK
           : cnn_error(CNN_STATUS_INVALID_ARGUMENT, "%s: %s is NULL", fn, name);
}

cnn_status cnn_check_tensor(const char *fn, const char *name, const cnn_tensor *t) {
  if (!t) return cnn_error(CNN_STATUS_INVALID_ARGUMENT, "%s: %s is NULL", fn, name);
  if (t->n < 1 || t->c < 1 || t->h < 1 || t->w < 1)
    return cnn_error(CNN_STATUS_INVALID_ARGUMENT,
                     "%s: %s has shape (%d,%d,%d,%d), a size below 1", fn, name,
                     t->n, t->c, t->h, t->w);
  if (!t->data)
    return cnn_error(CNN_STATUS_INVALID_ARGUMENT, "%s: %s has NULL data", fn, name);
  return CNN_STATUS_OK;
}

cnn_status cnn_check_shape(const char *fn, const char *name, const cnn_tensor *t,
                           int n, int c, int h, int w) {
  cnn_status st = cnn_check_tensor(fn, name, t);
  if (st != CNN_STATUS_OK) return st;
  if (t->n != n || t->c != c || t->h != h || t->w != w)
    return cnn_error(CNN_STATUS_INVALID_ARGUMENT,
                     "%s: %s has shape (%d,%d,%d,%d), expected (%d,%d,%d,%d)", fn,
                     name, t->n, t->c, t->h, t->w, n, c, h, w);
  return CNN_STATUS_OK;
}

cnn_status cnn_check_window(const char *fn, const char *what, int h, int w,
                            const struct cnn_window *win, int *oh, int *ow) {
  if (h < 1 || w < 1)
    return cnn_error(CNN_STATUS_INVALID_ARGUMENT,
                     "%s: input %dx%d has a size below 1", fn, h, w);
  if (win->r < 1 || win->s < 1)
    return cnn_error(CNN_STATUS_INVALID_ARGUMENT, "%s: %s %dx%d has a size below 1",
                     fn, what, win->r, win->s);
  if (win->stride_h < 1 || win->stride_w < 1)
    return cnn_error(CNN_STATUS_INVALID_ARGUMENT,
                     "%s: stride %dx%d has a value below 1", fn, win->stride_h,
                     win->stride_w);
  if (win->pad_h < 0 || win->pad_w < 0)
    return cnn_error(CNN_STATUS_INVALID_ARGUMENT,
                     "%s: padding %dx%d is negative", fn, win->pad_h, win->pad_w);
  /* In 64 bits: a huge padding must not overflow into a valid size. */
  const long long padded_h = (long long)h + 2LL * win->pad_h;
  const long long padded_w = (long long)w + 2LL * win->pad_w;
  if (win->r > padded_h || win->s > padded_w)
    return cnn_error(CNN_STATUS_INVALID_ARGUMENT,
                     "%s: %s %dx%d is larger than the padded input %lldx%lld", fn,
                     what, win->r, win->s, padded_h, padded_w);
  const long long out_h = (padded_h - win->r) / win->stride_h + 1;
  const long long out_w = (padded_w - win->s) / win->stride_w + 1;
  if (out_h > (1 << 24) || out_w > (1 << 24))
    return cnn_error(CNN_STATUS_INVALID_ARGUMENT,
                     "%s: output %lldx%lld is too large (padding %dx%d)", fn, out_h,
                     out_w, win->pad_h, win->pad_w);
  *oh = (int)out_h;
  *ow = (int)out_w;
  return CNN_STATUS_OK;
}
