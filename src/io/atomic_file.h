/* Internal: replacing a file atomically. Content goes to "<path>.tmp.<pid>"
 * in the target's directory; committing flushes it to disk, renames it over
 * the target and syncs the directory, so readers (and a crash at any moment)
 * see either the old file or the complete new one, never a torn one. */
#ifndef CNN_IO_ATOMIC_FILE_H
#define CNN_IO_ATOMIC_FILE_H

#include <stddef.h>
#include <stdio.h>

#include "cnn/status.h"

typedef struct cnn_atomic_file {
  FILE *fp;          /* write the content here */
  const char *path;  /* the target, borrowed */
  char *tmp_path;
  int write_errno;   /* the first failed write's errno, else 0 */
} cnn_atomic_file;

/* Creates the temporary file; the target is not touched. */
cnn_status cnn_atomic_file_open(cnn_atomic_file *f, const char *path);

/* Writes n bytes; a failure is remembered and reported by commit. */
void cnn_atomic_file_write(cnn_atomic_file *f, const void *data, size_t n);

/* Flushes, syncs and renames over the target. On any failure before the
 * rename the temporary file is removed and the target left as it was. The
 * file is closed either way. After the rename, temporaries of the same target
 * left by saves of processes that no longer run (killed mid-save) are
 * removed. */
cnn_status cnn_atomic_file_commit(cnn_atomic_file *f);

/* Closes and removes the temporary file (after a failure of the writer). */
void cnn_atomic_file_discard(cnn_atomic_file *f);

#endif
