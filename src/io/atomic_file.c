#include "io/atomic_file.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
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

/* The directory holding path into dir; 0 when it does not fit. */
static int directory_of(const char *path, char *dir, size_t size) {
  const char *slash = strrchr(path, '/');
  if (!slash) {
    snprintf(dir, size, ".");
    return 1;
  }
  size_t length = slash == path ? 1 : (size_t)(slash - path);
  if (length >= size) return 0;
  memcpy(dir, path, length);
  dir[length] = '\0';
  return 1;
}

/* fsync of the directory holding path, so that the rename itself is durable. */
static int sync_directory(const char *path) {
  char dir[4096];
  if (!directory_of(path, dir, sizeof dir)) return 0; /* the rename still happened */
  int fd = open(dir, O_RDONLY | O_DIRECTORY);
  if (fd < 0) return -1;
  /* Some file systems cannot sync a directory (EINVAL): nothing more to do there. */
  int result = fsync(fd) == 0 || errno == EINVAL ? 0 : -1;
  close(fd);
  return result;
}

/* Removes "<path>.tmp.<pid>" files of processes that no longer run: a save
 * killed before its rename leaves one behind. Best effort: a file that cannot
 * be removed stays, and the saved target is never touched. */
static void remove_stale_temporaries(const char *path) {
  char dir[4096];
  if (!directory_of(path, dir, sizeof dir)) return;
  const char *slash = strrchr(path, '/');
  const char *base = slash ? slash + 1 : path;
  size_t base_length = strlen(base);
  DIR *d = opendir(dir);
  if (!d) return;
  struct dirent *entry;
  while ((entry = readdir(d)) != NULL) {
    const char *name = entry->d_name;
    if (strncmp(name, base, base_length) != 0 || strncmp(name + base_length, ".tmp.", 5) != 0)
      continue;
    const char *digits = name + base_length + 5;
    char *end;
    long pid = strtol(digits, &end, 10);
    if (*digits == '\0' || *end != '\0' || pid <= 0 || pid == (long)getpid()) continue;
    if (kill((pid_t)pid, 0) == 0 || errno != ESRCH) continue; /* alive, or not ours to judge */
    char stale[4096 + 256];
    snprintf(stale, sizeof stale, "%s/%s", dir, name);
    unlink(stale);
  }
  closedir(d);
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
  remove_stale_temporaries(f->path);
  if (sync_directory(f->path) != 0)
    return cnn_error(CNN_STATUS_IO_ERROR, "%s: written, but syncing its directory failed: %s",
                     f->path, strerror(errno));
  return CNN_STATUS_OK;
}
