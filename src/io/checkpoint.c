/* Checkpoint files: the layout is described in include/cnn/checkpoint.h.
 * Every field is written and read byte by byte, so the files are the same
 * on every host whatever its endianness or word size. */
#include "cnn/checkpoint.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "io/atomic_file.h"
#include "io/crc32.h"
#include "io/whole_file.h"
#include "runtime/error.h"
#include "runtime/memory.h"

static const uint8_t checkpoint_magic[8] = {'C', 'N', 'N', 'C', 'K', 'P', 'T', 0};

/* Files above this are refused before being read (far beyond any model here). */
#define CHECKPOINT_MAX_BYTES ((uint64_t)1 << 34)
/* Elements of one tensor, as cnn_tensor_init allows. */
#define CHECKPOINT_MAX_NUMEL ((uint64_t)1 << 32)
/* Smallest valid file: magic, version, two empty texts, 6 u64, count, CRC. */
#define CHECKPOINT_MIN_BYTES (8 + 4 + 4 + 4 + 6 * 8 + 4 + 4)

/* ---- saving ------------------------------------------------------------- */

typedef struct writer {
  cnn_atomic_file file;
  uint32_t crc;
} writer;

static void put_bytes(writer *w, const void *data, size_t n) {
  w->crc = cnn_crc32(w->crc, data, n);
  cnn_atomic_file_write(&w->file, data, n);
}

static void put_u32(writer *w, uint32_t v) {
  uint8_t b[4];
  for (int i = 0; i < 4; i++) b[i] = (uint8_t)(v >> 8 * i);
  put_bytes(w, b, 4);
}

static void put_u64(writer *w, uint64_t v) {
  uint8_t b[8];
  for (int i = 0; i < 8; i++) b[i] = (uint8_t)(v >> 8 * i);
  put_bytes(w, b, 8);
}

static void put_text(writer *w, const char *text) {
  size_t n = strlen(text);
  put_u32(w, (uint32_t)n);
  put_bytes(w, text, n);
}

static void put_floats(writer *w, const float *x, size_t n) {
  uint8_t chunk[4096];
  while (n > 0) {
    size_t count = n < sizeof chunk / 4 ? n : sizeof chunk / 4;
    for (size_t i = 0; i < count; i++) {
      uint32_t bits;
      memcpy(&bits, &x[i], 4);
      for (int k = 0; k < 4; k++) chunk[4 * i + k] = (uint8_t)(bits >> 8 * k);
    }
    put_bytes(w, chunk, 4 * count);
    x += count, n -= count;
  }
}

/* Refuses what load would refuse, so a saved file always loads. */
static cnn_status check_for_saving(const char *path, const cnn_checkpoint *ck) {
  if (!path || !ck || !ck->model || !ck->optimizer)
    return cnn_error(CNN_STATUS_INVALID_ARGUMENT,
                     "checkpoint save: the path, checkpoint, model or optimizer text is NULL");
  if (strlen(ck->model) > CNN_CHECKPOINT_MAX_TEXT ||
      strlen(ck->optimizer) > CNN_CHECKPOINT_MAX_TEXT)
    return cnn_error(CNN_STATUS_INVALID_ARGUMENT,
                     "checkpoint save %s: model or optimizer text longer than %u bytes", path,
                     CNN_CHECKPOINT_MAX_TEXT);
  if (ck->num_tensors < 0 || ck->num_tensors > CNN_CHECKPOINT_MAX_TENSORS ||
      (ck->num_tensors > 0 && (!ck->names || !ck->tensors)))
    return cnn_error(CNN_STATUS_INVALID_ARGUMENT,
                     "checkpoint save %s: %d tensors (expected 0..%d, with names and tensors)",
                     path, ck->num_tensors, CNN_CHECKPOINT_MAX_TENSORS);
  for (int i = 0; i < ck->num_tensors; i++) {
    const cnn_tensor *t = &ck->tensors[i];
    if (!ck->names[i] || !*ck->names[i] || strlen(ck->names[i]) > CNN_CHECKPOINT_MAX_NAME)
      return cnn_error(CNN_STATUS_INVALID_ARGUMENT,
                       "checkpoint save %s: tensor %d needs a name of 1..%d bytes", path, i,
                       CNN_CHECKPOINT_MAX_NAME);
    if (!t->data || t->n < 1 || t->c < 1 || t->h < 1 || t->w < 1)
      return cnn_error(CNN_STATUS_INVALID_ARGUMENT,
                       "checkpoint save %s: tensor %d (%s) has no data or shape (%d,%d,%d,%d)",
                       path, i, ck->names[i], t->n, t->c, t->h, t->w);
  }
  return CNN_STATUS_OK;
}

cnn_status cnn_checkpoint_save(const char *path, const cnn_checkpoint *ck) {
  cnn_status st = check_for_saving(path, ck);
  if (st != CNN_STATUS_OK) return st;
  writer w = {.crc = 0};
  st = cnn_atomic_file_open(&w.file, path);
  if (st != CNN_STATUS_OK) return st;
  put_bytes(&w, checkpoint_magic, sizeof checkpoint_magic);
  put_u32(&w, CNN_CHECKPOINT_VERSION);
  put_text(&w, ck->model);
  put_text(&w, ck->optimizer);
  put_u64(&w, ck->epoch);
  put_u64(&w, ck->step);
  for (int i = 0; i < 4; i++) put_u64(&w, ck->rng[i]);
  put_u32(&w, (uint32_t)ck->num_tensors);
  for (int i = 0; i < ck->num_tensors; i++) {
    const cnn_tensor *t = &ck->tensors[i];
    put_text(&w, ck->names[i]);
    put_u32(&w, (uint32_t)t->n);
    put_u32(&w, (uint32_t)t->c);
    put_u32(&w, (uint32_t)t->h);
    put_u32(&w, (uint32_t)t->w);
    put_floats(&w, t->data, cnn_tensor_numel(t));
  }
  put_u32(&w, w.crc);
  return cnn_atomic_file_commit(&w.file);
}

/* ---- loading ------------------------------------------------------------ */

/* The file's bytes (without the CRC) and a position in them. */
typedef struct reader {
  const char *path;
  const uint8_t *data;
  size_t size, at;
} reader;

/* Checks that n bytes of what remain at the current offset. */
static cnn_status need(const reader *r, uint64_t n, const char *what) {
  if (n > r->size - r->at)
    return cnn_error(CNN_STATUS_BAD_FORMAT,
                     "%s: truncated at offset %zu: %s needs %llu bytes, %zu remain", r->path,
                     r->at, what, (unsigned long long)n, r->size - r->at);
  return CNN_STATUS_OK;
}

static uint64_t le_bytes(const uint8_t *p, int n) {
  uint64_t v = 0;
  for (int i = n - 1; i >= 0; i--) v = v << 8 | p[i];
  return v;
}

static cnn_status get_u32(reader *r, const char *what, uint32_t *v) {
  cnn_status st = need(r, 4, what);
  if (st != CNN_STATUS_OK) return st;
  *v = (uint32_t)le_bytes(r->data + r->at, 4);
  r->at += 4;
  return CNN_STATUS_OK;
}

static cnn_status get_u64(reader *r, const char *what, uint64_t *v) {
  cnn_status st = need(r, 8, what);
  if (st != CNN_STATUS_OK) return st;
  *v = le_bytes(r->data + r->at, 8);
  r->at += 8;
  return CNN_STATUS_OK;
}

/* A length-prefixed text of at most max bytes into a new NUL-terminated string. */
static cnn_status get_text(reader *r, const char *what, uint32_t max, char **out) {
  size_t length_at = r->at;
  uint32_t n;
  cnn_status st = get_u32(r, what, &n);
  if (st != CNN_STATUS_OK) return st;
  if (n > max)
    return cnn_error(CNN_STATUS_BAD_FORMAT, "%s: offset %zu: %s of %u bytes, expected at most %u",
                     r->path, length_at, what, n, max);
  if ((st = need(r, n, what)) != CNN_STATUS_OK) return st;
  if (memchr(r->data + r->at, 0, n))
    return cnn_error(CNN_STATUS_BAD_FORMAT, "%s: offset %zu: %s contains a NUL byte", r->path,
                     r->at, what);
  char *text = cnn_alloc(n + 1, 1, what);
  if (!text) return CNN_STATUS_OUT_OF_MEMORY;
  memcpy(text, r->data + r->at, n);
  text[n] = '\0';
  r->at += n;
  *out = text;
  return CNN_STATUS_OK;
}

static cnn_status get_tensor(reader *r, int index, char **name, cnn_tensor *t) {
  size_t name_at = r->at;
  cnn_status st = get_text(r, "tensor name", CNN_CHECKPOINT_MAX_NAME, name);
  if (st != CNN_STATUS_OK) return st;
  if (!**name)
    return cnn_error(CNN_STATUS_BAD_FORMAT, "%s: offset %zu: tensor %d has an empty name",
                     r->path, name_at, index);
  size_t shape_at = r->at;
  uint32_t dims[4];
  for (int i = 0; i < 4 && st == CNN_STATUS_OK; i++) st = get_u32(r, "tensor shape", &dims[i]);
  if (st != CNN_STATUS_OK) return st;
  uint64_t numel = 1;
  for (int i = 0; i < 4; i++) {
    if (dims[i] < 1 || dims[i] > INT_MAX)
      return cnn_error(CNN_STATUS_BAD_FORMAT,
                       "%s: offset %zu: tensor %d (%s) has shape (%u,%u,%u,%u), every size "
                       "must be 1..%d", r->path, shape_at, index, *name, dims[0], dims[1],
                       dims[2], dims[3], INT_MAX);
    if (dims[i] > CHECKPOINT_MAX_NUMEL / numel) /* also keeps the product from overflowing */
      return cnn_error(CNN_STATUS_BAD_FORMAT,
                       "%s: offset %zu: tensor %d (%s) of shape (%u,%u,%u,%u) has more than "
                       "%llu elements", r->path, shape_at, index, *name, dims[0], dims[1],
                       dims[2], dims[3], (unsigned long long)CHECKPOINT_MAX_NUMEL);
    numel *= dims[i];
  }
  char what[CNN_CHECKPOINT_MAX_NAME + 32];
  snprintf(what, sizeof what, "tensor %d (%s)", index, *name);
  if ((st = need(r, numel * 4, what)) != CNN_STATUS_OK) return st;
  st = cnn_tensor_init(t, (int)dims[0], (int)dims[1], (int)dims[2], (int)dims[3]);
  if (st != CNN_STATUS_OK) return st;
  const uint8_t *p = r->data + r->at;
  for (size_t i = 0; i < numel; i++) {
    uint32_t bits = (uint32_t)le_bytes(p + 4 * i, 4);
    memcpy(&t->data[i], &bits, 4);
  }
  r->at += numel * 4;
  return CNN_STATUS_OK;
}

/* Everything after the version, into ck (which the caller frees on failure). */
static cnn_status get_body(reader *r, cnn_checkpoint *ck) {
  cnn_status st = get_text(r, "model text", CNN_CHECKPOINT_MAX_TEXT, &ck->model);
  if (st == CNN_STATUS_OK)
    st = get_text(r, "optimizer text", CNN_CHECKPOINT_MAX_TEXT, &ck->optimizer);
  if (st == CNN_STATUS_OK) st = get_u64(r, "epoch", &ck->epoch);
  if (st == CNN_STATUS_OK) st = get_u64(r, "step", &ck->step);
  for (int i = 0; i < 4 && st == CNN_STATUS_OK; i++) st = get_u64(r, "rng state", &ck->rng[i]);
  size_t count_at = r->at;
  uint32_t count = 0;
  if (st == CNN_STATUS_OK) st = get_u32(r, "tensor count", &count);
  if (st != CNN_STATUS_OK) return st;
  if (count > CNN_CHECKPOINT_MAX_TENSORS)
    return cnn_error(CNN_STATUS_BAD_FORMAT, "%s: offset %zu: %u tensors, expected at most %d",
                     r->path, count_at, count, CNN_CHECKPOINT_MAX_TENSORS);
  /* Each tensor takes at least 25 bytes (name length, a name byte, shape, a value). */
  if ((uint64_t)count * 25 > r->size - r->at)
    return cnn_error(CNN_STATUS_BAD_FORMAT,
                     "%s: truncated at offset %zu: %u tensors need at least %llu bytes, %zu "
                     "remain", r->path, r->at, count, (unsigned long long)count * 25,
                     r->size - r->at);
  ck->names = cnn_alloc_zeroed(count, sizeof *ck->names, "checkpoint names");
  ck->tensors = cnn_alloc_zeroed(count, sizeof *ck->tensors, "checkpoint tensors");
  if (!ck->names || !ck->tensors) return CNN_STATUS_OUT_OF_MEMORY;
  ck->num_tensors = (int)count;
  for (int i = 0; i < ck->num_tensors && st == CNN_STATUS_OK; i++)
    st = get_tensor(r, i, &ck->names[i], &ck->tensors[i]);
  if (st == CNN_STATUS_OK && r->at != r->size)
    st = cnn_error(CNN_STATUS_BAD_FORMAT,
                   "%s: offset %zu: %zu unexpected bytes after the last tensor", r->path, r->at,
                   r->size - r->at);
  return st;
}

/* Magic and version: checked first, so that a file of another kind or a
 * newer program is named as such rather than as corrupt. */
static cnn_status check_preamble(const char *path, const uint8_t *data, size_t size) {
  if (size == 0) return cnn_error(CNN_STATUS_BAD_FORMAT, "%s: the file is empty", path);
  size_t magic_bytes = size < sizeof checkpoint_magic ? size : sizeof checkpoint_magic;
  if (memcmp(data, checkpoint_magic, magic_bytes) != 0)
    return cnn_error(CNN_STATUS_BAD_FORMAT,
                     "%s: offset 0: wrong magic, expected \"CNNCKPT\\0\": not a cnn checkpoint",
                     path);
  if (size < 12)
    return cnn_error(CNN_STATUS_BAD_FORMAT,
                     "%s: truncated at offset %zu: the header needs 12 bytes", path, size);
  uint32_t version = (uint32_t)le_bytes(data + 8, 4);
  if (version > CNN_CHECKPOINT_VERSION)
    return cnn_error(CNN_STATUS_BAD_FORMAT,
                     "%s: offset 8: format version %u is newer than this program's %d "
                     "(update cnn to read it)", path, version, CNN_CHECKPOINT_VERSION);
  if (version < 1)
    return cnn_error(CNN_STATUS_BAD_FORMAT, "%s: offset 8: format version 0 is invalid", path);
  if (size < CHECKPOINT_MIN_BYTES)
    return cnn_error(CNN_STATUS_BAD_FORMAT,
                     "%s: truncated: %zu bytes, the smallest checkpoint has %d", path, size,
                     CHECKPOINT_MIN_BYTES);
  return CNN_STATUS_OK;
}

cnn_status cnn_checkpoint_load(const char *path, cnn_checkpoint *ck) {
  if (!ck) return cnn_error(CNN_STATUS_INVALID_ARGUMENT, "checkpoint load: ck is NULL");
  memset(ck, 0, sizeof *ck);
  if (!path) return cnn_error(CNN_STATUS_INVALID_ARGUMENT, "checkpoint load: path is NULL");
  uint8_t *data;
  size_t size = 0;
  cnn_status st = cnn_read_whole_file(path, CHECKPOINT_MAX_BYTES, "checkpoint", &data, &size);
  if (st != CNN_STATUS_OK) return st;
  st = check_preamble(path, data, size);
  if (st == CNN_STATUS_OK) {
    /* The structure first (bounded by the file's true size), then the CRC:
     * a truncated file is then reported as truncated, with its offset. */
    reader r = {path, data, size - 4, 12};
    st = get_body(&r, ck);
    uint32_t stored = (uint32_t)le_bytes(data + size - 4, 4);
    uint32_t computed = cnn_crc32(0, data, size - 4);
    if (st == CNN_STATUS_OK && stored != computed)
      st = cnn_error(CNN_STATUS_BAD_FORMAT,
                     "%s: offset %zu: CRC-32 mismatch: stored 0x%08x, computed 0x%08x (the "
                     "file is corrupt)", path, size - 4, stored, computed);
  }
  cnn_free(data);
  if (st != CNN_STATUS_OK) cnn_checkpoint_free(ck);
  return st;
}

void cnn_checkpoint_free(cnn_checkpoint *ck) {
  if (!ck) return;
  cnn_free(ck->model);
  cnn_free(ck->optimizer);
  for (int i = 0; i < ck->num_tensors; i++) {
    if (ck->names) cnn_free(ck->names[i]);
    if (ck->tensors) cnn_tensor_free(&ck->tensors[i]);
  }
  cnn_free(ck->names);
  cnn_free(ck->tensors);
  memset(ck, 0, sizeof *ck);
}
