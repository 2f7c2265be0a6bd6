/* Internal: reading a whole (small) file into memory. */
#ifndef CNN_IO_WHOLE_FILE_H
#define CNN_IO_WHOLE_FILE_H

#include <stddef.h>
#include <stdint.h>

#include "cnn/status.h"

/* Reads path into a new cnn_alloc buffer after checking that it is a
 * regular file of at most max_bytes (kind names it in messages, such as
 * "checkpoint"). */
cnn_status cnn_read_whole_file(const char *path, uint64_t max_bytes, const char *kind,
                               uint8_t **data, size_t *size);

#endif
