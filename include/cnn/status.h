/* Status codes and error messages. Every fallible function returns a
 * cnn_status; on failure cnn_last_error() holds a message with detail. */
#ifndef CNN_STATUS_H
#define CNN_STATUS_H

#ifdef __cplusplus
extern "C" {
#endif

typedef enum cnn_status {
  CNN_STATUS_OK = 0,
  CNN_STATUS_INVALID_ARGUMENT, /* a NULL pointer, a bad size, mismatched shapes */
  CNN_STATUS_OUT_OF_MEMORY,
  CNN_STATUS_IO_ERROR,         /* a file could not be opened, read or written */
  CNN_STATUS_BAD_FORMAT,       /* a file's content is malformed or corrupt */
  CNN_STATUS_UNIMPLEMENTED,    /* an algorithm declines a problem */
  CNN_STATUS_UNSUPPORTED_ISA,  /* the requested ISA is unknown or not runnable here */
  CNN_STATUS_NUMERIC_ERROR,    /* a NaN or infinity where a finite value is needed */
  CNN_STATUS_INTERRUPTED       /* stopped at the user's request */
} cnn_status;

/* A short fixed name of a status, such as "invalid argument". */
const char *cnn_status_str(cnn_status status);

/* The message of the last failure in the calling thread ("" when none).
 * The pointer stays valid until the thread's next failing call. */
const char *cnn_last_error(void);

#ifdef __cplusplus
}
#endif
#endif
