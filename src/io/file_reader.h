/* Internal: sequential reading of a file that may be gzip-compressed
 * (detected by its first two bytes, whatever its name). Offsets count bytes
 * of content, that is of the decompressed data for a gzip file. */
#ifndef CNN_IO_FILE_READER_H
#define CNN_IO_FILE_READER_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cnn/status.h"

typedef struct cnn_file_reader {
  const char *path;   /* borrowed; named in every message */
  FILE *raw;          /* an uncompressed file, else NULL */
  void *gz;           /* the gzFile of a compressed one, else NULL */
  uint64_t file_size; /* bytes on disk */
  uint64_t offset;    /* bytes of content consumed so far */
} cnn_file_reader;

/* Opens path (which must outlive the reader). A gzip file in a build
 * without zlib is CNN_STATUS_UNIMPLEMENTED with a message saying so. */
cnn_status cnn_file_reader_open(cnn_file_reader *r, const char *path);

void cnn_file_reader_close(cnn_file_reader *r);

int cnn_file_reader_is_gzip(const cnn_file_reader *r);

/* Reads exactly n bytes of what (a name for messages, like "header");
 * fewer is CNN_STATUS_BAD_FORMAT naming the file, the offset, and the
 * bytes expected and found. */
cnn_status cnn_file_reader_read(cnn_file_reader *r, void *buf, size_t n,
                                const char *what);

/* Reads exactly n bytes of what into a new cnn_alloc buffer. n is checked
 * against the most content the file can still hold before anything is
 * allocated (exact for a raw file; deflate's maximum ratio for gzip), and
 * for gzip the buffer grows only as data really arrives, so a header that
 * lies about its size cannot make this allocate much more than the file's
 * true content. */
cnn_status cnn_file_reader_read_alloc(cnn_file_reader *r, size_t n,
                                      const char *what, uint8_t **out);

/* CNN_STATUS_BAD_FORMAT unless the content ends at the current offset. */
cnn_status cnn_file_reader_expect_end(cnn_file_reader *r);

#endif
