/* Internal: recording a failure for cnn_last_error(). */
#ifndef CNN_RUNTIME_ERROR_H
#define CNN_RUNTIME_ERROR_H

#include "cnn/status.h"

/* Formats the thread's error message and returns status, so a failing
 * function can end with: return cnn_error(CNN_STATUS_..., "x: ...", ...). */
cnn_status cnn_error(cnn_status status, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
