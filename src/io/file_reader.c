#include "io/file_reader.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#ifdef CNN_HAVE_ZLIB
#include <zlib.h>
#endif

#include "runtime/error.h"
#include "runtime/memory.h"

/* Deflate cannot expand data by more than about 1032:1, so a gzip file of
 * S bytes holds at most S * 1032 bytes of content. */
#define CNN_DEFLATE_MAX_RATIO 1032u
/* First buffer of a gzip body of unknown true length; doubles as data comes. */
#define CNN_GZIP_FIRST_CHUNK ((size_t)1 << 20)

static const char *offset_note(const cnn_file_reader *r) {
  return r->gz ? " of the decompressed data" : "";
}

cnn_status cnn_file_reader_open(cnn_file_reader *r, const char *path) {
  memset(r, 0, sizeof *r);
  r->path = path;
  FILE *fp = fopen(path, "rb");
  if (!fp) return cnn_error(CNN_STATUS_IO_ERROR, "%s: cannot open: %s", path, strerror(errno));
  struct stat st;
  if (fstat(fileno(fp), &st) != 0 || !S_ISREG(st.st_mode)) {
    fclose(fp);
    return cnn_error(CNN_STATUS_IO_ERROR, "%s: not a regular file", path);
  }
  r->file_size = (uint64_t)st.st_size;
  unsigned char magic[2];
  int is_gzip = fread(magic, 1, 2, fp) == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
  if (!is_gzip) {
    rewind(fp);
    r->raw = fp;
    return CNN_STATUS_OK;
  }
  fclose(fp);
#ifdef CNN_HAVE_ZLIB
  gzFile gz = gzopen(path, "rb");
  if (!gz) return cnn_error(CNN_STATUS_IO_ERROR, "%s: cannot open: %s", path, strerror(errno));
  gzbuffer(gz, 1 << 17);
  r->gz = gz;
  return CNN_STATUS_OK;
#else
  return cnn_error(CNN_STATUS_UNIMPLEMENTED,
                   "%s: is gzip-compressed, but this cnn was built without zlib "
                   "(decompress it with gunzip, or rebuild with zlib1g-dev)", path);
#endif
}

void cnn_file_reader_close(cnn_file_reader *r) {
  if (r->raw) fclose(r->raw);
#ifdef CNN_HAVE_ZLIB
  if (r->gz) gzclose((gzFile)r->gz);
#endif
  memset(r, 0, sizeof *r);
}

int cnn_file_reader_is_gzip(const cnn_file_reader *r) { return r->gz != NULL; }

/* Reads up to n bytes; *got < n only where the content ends. */
static cnn_status read_some(cnn_file_reader *r, void *buf, size_t n, size_t *got) {
  *got = 0;
  if (r->raw) {
    *got = fread(buf, 1, n, r->raw);
    r->offset += *got;
    if (*got < n && ferror(r->raw))
      return cnn_error(CNN_STATUS_IO_ERROR, "%s: read error at offset %llu: %s", r->path,
                       (unsigned long long)r->offset, strerror(errno));
    return CNN_STATUS_OK;
  }
#ifdef CNN_HAVE_ZLIB
  gzFile gz = (gzFile)r->gz;
  while (*got < n) {
    size_t want = n - *got;
    if (want > ((size_t)1 << 30)) want = (size_t)1 << 30; /* gzread takes an unsigned */
    int done = gzread(gz, (char *)buf + *got, (unsigned)want);
    if (done > 0) {
      *got += (size_t)done;
      r->offset += (uint64_t)done;
    }
    int code;
    const char *message = gzerror(gz, &code);
    /* Z_BUF_ERROR: the compressed file ended early, noticed while zlib read
     * ahead; what it decompressed before is still good, so only a short
     * read is a failure. */
    int truncated = code == Z_BUF_ERROR && (size_t)done < want;
    if (done < 0 || truncated || (code != Z_OK && code != Z_BUF_ERROR))
      return cnn_error(CNN_STATUS_BAD_FORMAT, "%s: corrupt gzip data at offset %llu%s: %s",
                       r->path, (unsigned long long)r->offset, offset_note(r),
                       truncated ? "the compressed stream is truncated" : message);
    if ((size_t)done < want) break; /* end of content */
  }
#endif
  return CNN_STATUS_OK;
}

static cnn_status truncated(const cnn_file_reader *r, const char *what, size_t want,
                            uint64_t at, size_t found) {
  return cnn_error(CNN_STATUS_BAD_FORMAT,
                   "%s: truncated %s: expected %zu bytes at offset %llu%s, found %zu",
                   r->path, what, want, (unsigned long long)at, offset_note(r), found);
}

cnn_status cnn_file_reader_read(cnn_file_reader *r, void *buf, size_t n, const char *what) {
  uint64_t start = r->offset;
  size_t got;
  cnn_status st = read_some(r, buf, n, &got);
  if (st != CNN_STATUS_OK) return st;
  if (got < n) {
    if (start == 0 && got == 0)
      return cnn_error(CNN_STATUS_BAD_FORMAT, "%s: the file is empty, expected a %s of %zu bytes",
                       r->path, what, n);
    return truncated(r, what, n, start, got);
  }
  return CNN_STATUS_OK;
}

/* The most content bytes the rest of the file can hold. */
static uint64_t max_remaining(const cnn_file_reader *r) {
  uint64_t total = r->gz ? r->file_size * CNN_DEFLATE_MAX_RATIO : r->file_size;
  return total > r->offset ? total - r->offset : 0;
}

cnn_status cnn_file_reader_read_alloc(cnn_file_reader *r, size_t n, const char *what,
                                      uint8_t **out) {
  *out = NULL;
  uint64_t start = r->offset, room = max_remaining(r);
  if (n > room) {
    if (r->gz)
      return cnn_error(CNN_STATUS_BAD_FORMAT,
                       "%s: the header declares %zu bytes of %s at offset %llu%s, but a "
                       "gzip file of %llu bytes holds at most %llu",
                       r->path, n, what, (unsigned long long)start, offset_note(r),
                       (unsigned long long)r->file_size, (unsigned long long)room);
    return cnn_error(CNN_STATUS_BAD_FORMAT,
                     "%s: the header declares %zu bytes of %s at offset %llu, but the "
                     "file has only %llu bytes after it (file size %llu)",
                     r->path, n, what, (unsigned long long)start, (unsigned long long)room,
                     (unsigned long long)r->file_size);
  }
  size_t capacity = r->gz && n > CNN_GZIP_FIRST_CHUNK ? CNN_GZIP_FIRST_CHUNK : n;
  uint8_t *buf = cnn_alloc(capacity, 1, what);
  if (!buf) return CNN_STATUS_OUT_OF_MEMORY;
  size_t filled = 0;
  for (;;) {
    size_t got;
    cnn_status st = read_some(r, buf + filled, capacity - filled, &got);
    filled += got;
    if (st == CNN_STATUS_OK && filled < capacity) st = truncated(r, what, n, start, filled);
    if (st != CNN_STATUS_OK) {
      cnn_free(buf);
      return st;
    }
    if (filled == n) break;
    /* The data so far was real: grow geometrically towards n. */
    size_t grown = capacity > n / 2 ? n : capacity * 2;
    uint8_t *bigger = cnn_alloc(grown, 1, what);
    if (!bigger) {
      cnn_free(buf);
      return CNN_STATUS_OUT_OF_MEMORY;
    }
    memcpy(bigger, buf, filled);
    cnn_free(buf);
    buf = bigger;
    capacity = grown;
  }
  *out = buf;
  return CNN_STATUS_OK;
}

cnn_status cnn_file_reader_expect_end(cnn_file_reader *r) {
  uint64_t at = r->offset;
  unsigned char extra;
  size_t got;
  cnn_status st = read_some(r, &extra, 1, &got);
  if (st != CNN_STATUS_OK) return st;
  if (got != 0)
    return cnn_error(CNN_STATUS_BAD_FORMAT,
                     "%s: unexpected data at offset %llu%s: the header says the content "
                     "ends there", r->path, (unsigned long long)at, offset_note(r));
  return CNN_STATUS_OK;
}
