#include "runtime/error.h"

#include <stdarg.h>
#include <stdio.h>

static _Thread_local char last_error[1024];

cnn_status cnn_error(cnn_status status, const char *fmt, ...) {
  va_list args;
  va_start(args, fmt);
  vsnprintf(last_error, sizeof last_error, fmt, args);
  va_end(args);
  return status;
}

const char *cnn_last_error(void) { return last_error; }

const char *cnn_status_str(cnn_status status) {
  switch (status) {
  case CNN_STATUS_OK: return "ok";
  case CNN_STATUS_INVALID_ARGUMENT: return "invalid argument";
  case CNN_STATUS_OUT_OF_MEMORY: return "out of memory";
  case CNN_STATUS_IO_ERROR: return "i/o error";
  case CNN_STATUS_BAD_FORMAT: return "bad format";
  case CNN_STATUS_UNIMPLEMENTED: return "unimplemented";
  case CNN_STATUS_UNSUPPORTED_ISA: return "unsupported isa";
  case CNN_STATUS_NUMERIC_ERROR: return "numeric error";
  case CNN_STATUS_INTERRUPTED: return "interrupted";
  }
  return "unknown status";
}
