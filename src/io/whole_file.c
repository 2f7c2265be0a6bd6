#include "io/whole_file.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "runtime/error.h"
#include "runtime/memory.h"

cnn_status cnn_read_whole_file(const char *path, uint64_t max_bytes, const char *kind,
                               uint8_t **data, size_t *size) {
  *data = NULL;
  *size = 0;
  FILE *fp = fopen(path, "rb");
  if (!fp) return cnn_error(CNN_STATUS_IO_ERROR, "%s: cannot open: %s", path, strerror(errno));
  struct stat st;
  cnn_status status = CNN_STATUS_OK;
  if (fstat(fileno(fp), &st) != 0 || !S_ISREG(st.st_mode))
    status = cnn_error(CNN_STATUS_IO_ERROR, "%s: not a regular file", path);
  else if ((uint64_t)st.st_size > max_bytes)
    status = cnn_error(CNN_STATUS_BAD_FORMAT, "%s: %lld bytes, more than the %llu a %s may have",
                       path, (long long)st.st_size, (unsigned long long)max_bytes, kind);
  else if (!(*data = cnn_alloc((size_t)st.st_size, 1, kind)))
    status = CNN_STATUS_OUT_OF_MEMORY;
  else if ((*size = fread(*data, 1, (size_t)st.st_size, fp)) != (size_t)st.st_size)
    status = cnn_error(CNN_STATUS_IO_ERROR, "%s: read error after %zu of %lld bytes", path,
                       *size, (long long)st.st_size);
  fclose(fp);
  if (status != CNN_STATUS_OK) {
    cnn_free(*data);
    *data = NULL;
    *size = 0;
  }
  return status;
}
