#include "runtime/context.h"

#include <stdlib.h>
#include <string.h>

#include "runtime/error.h"
#include "runtime/memory.h"
#include "runtime/topology.h"

/* Far above any core count this engine will meet, low enough to catch a
 * typo such as --threads 10000. */
#define CNN_MAX_THREADS 1024

static cnn_status threads_from_env(int *num_threads) {
  const char *env = getenv("CNN_NUM_THREADS");
  if (!env || !*env) {
    *num_threads = cnn_topology_physical_cores();
    return CNN_STATUS_OK;
  }
  char *end;
  long value = strtol(env, &end, 10);
  if (*end != '\0' || value < 1 || value > CNN_MAX_THREADS)
    return cnn_error(CNN_STATUS_INVALID_ARGUMENT,
                     "CNN_NUM_THREADS=\"%s\": expected an integer in 1..%d", env,
                     CNN_MAX_THREADS);
  *num_threads = (int)value;
  return CNN_STATUS_OK;
}

cnn_status cnn_context_create(int num_threads, cnn_context **out) {
  if (!out) return cnn_error(CNN_STATUS_INVALID_ARGUMENT, "context: out is NULL");
  *out = NULL;
  if (num_threads < 0 || num_threads > CNN_MAX_THREADS)
    return cnn_error(CNN_STATUS_INVALID_ARGUMENT,
                     "context: num_threads %d is outside 0..%d", num_threads,
                     CNN_MAX_THREADS);
  cnn_status st = CNN_STATUS_OK;
  if (num_threads == 0 && (st = threads_from_env(&num_threads)) != CNN_STATUS_OK)
    return st;
  cnn_isa isa;
  if ((st = cnn_isa_default(&isa)) != CNN_STATUS_OK) return st;
  cnn_context *ctx = cnn_alloc_zeroed(1, sizeof *ctx, "context");
  if (!ctx) return CNN_STATUS_OUT_OF_MEMORY;
  ctx->num_threads = num_threads;
  ctx->isa = isa;
  ctx->kernels = cnn_kernels_for(isa);
  *out = ctx;
  return CNN_STATUS_OK;
}

void cnn_context_free(cnn_context *ctx) {
  if (!ctx) return;
  for (int t = 0; t < ctx->worker_count; t++) cnn_context_free(ctx->workers[t]);
  cnn_free(ctx->workers);
  cnn_free(ctx->scratch);
  cnn_free(ctx);
}

int cnn_context_num_threads(const cnn_context *ctx) { return ctx->num_threads; }

cnn_status cnn_context_set_num_threads(cnn_context *ctx, int num_threads) {
  if (!ctx) return cnn_error(CNN_STATUS_INVALID_ARGUMENT, "context: ctx is NULL");
  if (num_threads < 1 || num_threads > CNN_MAX_THREADS)
    return cnn_error(CNN_STATUS_INVALID_ARGUMENT,
                     "context: num_threads %d is outside 1..%d", num_threads,
                     CNN_MAX_THREADS);
  ctx->num_threads = num_threads;
  return CNN_STATUS_OK;
}

cnn_isa cnn_context_isa(const cnn_context *ctx) { return ctx->isa; }

cnn_status cnn_context_set_isa(cnn_context *ctx, cnn_isa isa) {
  if (!ctx) return cnn_error(CNN_STATUS_INVALID_ARGUMENT, "context: ctx is NULL");
  const struct cnn_kernels *kernels = cnn_kernels_for(isa);
  if (!kernels)
    return cnn_error(CNN_STATUS_UNSUPPORTED_ISA,
                     "context: ISA %s is not supported by this build or CPU",
                     cnn_isa_name(isa));
  ctx->isa = isa;
  ctx->kernels = kernels;
  return CNN_STATUS_OK;
}

void *cnn_context_scratch(cnn_context *ctx, size_t bytes) {
  if (bytes <= ctx->scratch_bytes) return ctx->scratch;
  void *grown = cnn_alloc(bytes, 1, "context scratch");
  if (!grown) return NULL;
  cnn_free(ctx->scratch);
  ctx->scratch = grown;
  ctx->scratch_bytes = bytes;
  return grown;
}

cnn_status cnn_context_workers(cnn_context *ctx, int count, cnn_context ***workers) {
  if (count > ctx->worker_count) {
    cnn_context **grown = cnn_alloc_zeroed((size_t)count, sizeof *grown, "context workers");
    if (!grown) return CNN_STATUS_OUT_OF_MEMORY;
    if (ctx->worker_count) memcpy(grown, ctx->workers, sizeof *grown * (size_t)ctx->worker_count);
    cnn_free(ctx->workers);
    ctx->workers = grown;
    for (; ctx->worker_count < count; ctx->worker_count++) {
      cnn_status st = cnn_context_create(1, &ctx->workers[ctx->worker_count]);
      if (st != CNN_STATUS_OK) return st;
    }
  }
  for (int t = 0; t < count; t++) {
    ctx->workers[t]->isa = ctx->isa;
    ctx->workers[t]->kernels = ctx->kernels;
  }
  *workers = ctx->workers;
  return CNN_STATUS_OK;
}
