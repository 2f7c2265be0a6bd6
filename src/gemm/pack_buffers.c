#include "gemm/pack_buffers.h"

#include <threads.h>

#include "runtime/memory.h"

struct pack_buffers {
  float *a, *b;
  size_t a_floats, b_floats;
};

static _Thread_local struct pack_buffers buffers;
/* A thread-specific key only so that a thread's exit frees its buffers. */
static tss_t exit_key;
static int exit_key_ok;
static once_flag exit_key_once = ONCE_FLAG_INIT;

static void release(void *p) {
  struct pack_buffers *buf = p;
  cnn_free(buf->a);
  cnn_free(buf->b);
  *buf = (struct pack_buffers){0};
}

static void create_exit_key(void) {
  exit_key_ok = tss_create(&exit_key, release) == thrd_success;
}

static int grow(float **p, size_t *have, size_t need, const char *what) {
  if (need <= *have) return 1;
  float *grown = cnn_alloc(need, sizeof(float), what);
  if (!grown) return 0;
  cnn_free(*p);
  *p = grown;
  *have = need;
  return 1;
}

int cnn_gemm_pack_buffers(size_t a_floats, size_t b_floats, float **a, float **b) {
  if (!buffers.a && !buffers.b) {
    call_once(&exit_key_once, create_exit_key);
    if (exit_key_ok) tss_set(exit_key, &buffers);
  }
  if (!grow(&buffers.a, &buffers.a_floats, a_floats, "gemm: packed A") ||
      !grow(&buffers.b, &buffers.b_floats, b_floats, "gemm: packed B"))
    return 0;
  *a = buffers.a;
  *b = buffers.b;
  return 1;
}
