/* Checkpoints: a versioned, little-endian file with a magic number, the
 * model's text, the training position, named tensors (parameters, then
 * optimizer state) and a CRC-32 of everything before it. Saving writes a
 * temporary file beside the target, flushes it to disk and renames it over
 * the target, so a crash never leaves a torn or missing checkpoint.
 *
 * Layout, every integer little-endian of the stated width:
 *   8 bytes   magic "CNNCKPT\0"
 *   u32       format version (CNN_CHECKPOINT_VERSION)
 *   u32 + n   model text: its length, then its bytes (no NUL)
 *   u32 + n   optimizer text, the same way
 *   u64 x 6   epoch, step, rng[0..3]
 *   u32       tensor count
 *   per tensor: u32 name length, the name's bytes, u32 n, c, h, w,
 *               then n*c*h*w float32 values (IEEE 754 bits, little-endian)
 *   u32       CRC-32 (as zlib's crc32) of every byte before it
 * Loading checks every length against the bytes left in the file and the
 * limits below before allocating anything. */
#ifndef CNN_CHECKPOINT_H
#define CNN_CHECKPOINT_H

#include <stdint.h>
#include "cnn/status.h"
#include "cnn/tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

#define CNN_CHECKPOINT_VERSION 1
#define CNN_CHECKPOINT_MAX_TEXT (1u << 20)   /* bytes of model or optimizer text */
#define CNN_CHECKPOINT_MAX_NAME 256          /* bytes of a tensor name */
#define CNN_CHECKPOINT_MAX_TENSORS 65536

typedef struct cnn_checkpoint {
  char *model;        /* model text (as cnn_net_create takes it), NUL-terminated */
  char *optimizer;    /* optimizer settings as text, NUL-terminated */
  uint64_t epoch;     /* epochs completed */
  uint64_t step;      /* optimizer steps taken */
  uint64_t rng[4];    /* the training RNG's state */
  int num_tensors;
  char **names;       /* num_tensors NUL-terminated names */
  cnn_tensor *tensors;
} cnn_checkpoint;

/* Writes ck; the caller keeps ownership of everything in it. */
cnn_status cnn_checkpoint_save(const char *path, const cnn_checkpoint *ck);

/* Reads and fully validates a checkpoint into ck, which then owns its
 * memory (release with cnn_checkpoint_free). */
cnn_status cnn_checkpoint_load(const char *path, cnn_checkpoint *ck);

/* Frees what cnn_checkpoint_load allocated and clears ck. */
void cnn_checkpoint_free(cnn_checkpoint *ck);

#ifdef __cplusplus
}
#endif
#endif
