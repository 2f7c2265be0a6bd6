#include "io/atomic_file.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "runtime/error.h"
#include "runtime/memory.h"

cnn_status cnn_atomic_file_open(cnn_atomic_file *f, const char *path) {
  memset(f, 0, sizeof *f);
  if (!path || !*path) return cnn_error(CNN_STATUS_INVALID_ARGUMENT, "save: empty file name");
  size_t size = strlen(path) + 32;
  f->tmp_path = cnn_alloc(size, 1, "temporary file name");
  if (!f->tmp_path) return CNN_STATUS_OUT_OF_MEMORY;
  snprintf(f->tmp_path, size, "%s.tmp.%ld", path, (long)getpid());
  f->path = path;
  f->fp = fopen(f->tmp_path, "wb");
  if (!f->fp) {
    cnn_status st = cnn_error(CNN_STATUS_IO_ERROR, "%s: cannot create %s: %s", path,
                              f->tmp_path, strerror(errno));
    cnn_free(f->tmp_path);
    f->tmp_path = NULL;
    return st;
  }
  return CNN_STATUS_OK;
}

void cnn_atomic_file_write(cnn_atomic_file *f, const void *data, size_t n) {
  if (f->write_errno != 0) return;
  errno = 0;
  if (fwrite(data, 1, n, f->fp) != n) f->write_errno = errno ? errno : EIO;
}

void cnn_atomic_file_discard(cnn_atomic_file *f) {
  if (f->fp) fclose(f->fp);
  if (f->tmp_path) {
    unlink(f->tmp_path);
    cnn_free(f->tmp_path);
  }
  memset(f, 0, sizeof *f);
}

/* fsync of the directory holding path, so that the rename itself is durable. */
static int sync_directory(const char *path) {
  const char *slash = strrchr(path, '/');
  char dir[4096];
  if (!slash) {
    strcpy(dir, ".");
  } else {
    size_t length = slash == path ? 1 : (size_t)(slash - path);
    if (length >= sizeof dir) return 0; /* cannot name it; the rename still happened */
    memcpy(dir, path, length);
    dir[length] = '\0';
  }
  int fd = open(dir, O_RDONLY | O_DIRECTORY);
  if (fd < 0) return -1;
  /* Some file systems cannot sync a directory (EINVAL): nothing more to do there. */
  int result = fsync(fd) == 0 || errno == EINVAL ? 0 : -1;
  close(fd);
  return result;
}

cnn_status cnn_atomic_file_commit(cnn_atomic_file *f) {
  int failure = f->write_errno;
  const char *step = "write";
  if (!failure && (fflush(f->fp) != 0 || ferror(f->fp))) failure = errno ? errno : EIO;
  if (!failure && fsync(fileno(f->fp)) != 0) failure = errno, step = "fsync";
  int closed = fclose(f->fp);
  f->fp = NULL;
  if (!failure && closed != 0) failure = errno, step = "close";
  if (!failure && rename(f->tmp_path, f->path) != 0) failure = errno, step = "rename";
  if (failure) {
    cnn_status st = cnn_error(CNN_STATUS_IO_ERROR, "%s: %s of %s failed: %s (%s left as it was)",
                              f->path, step, f->tmp_path, strerror(failure), f->path);
    cnn_atomic_file_discard(f);
    return st;
  }
  cnn_free(f->tmp_path);
  f->tmp_path = NULL;
  if (sync_directory(f->path) != 0)
    return cnn_error(CNN_STATUS_IO_ERROR, "%s: written, but syncing its directory failed: %s",
                     f->path, strerror(errno));
  return CNN_STATUS_OK;
}
