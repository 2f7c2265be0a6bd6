/* Instruction sets, the execution context (threads, kernels, scratch memory). */
#ifndef CNN_RUNTIME_H
#define CNN_RUNTIME_H

#include <stddef.h>
#include "cnn/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum cnn_isa {
  CNN_ISA_SCALAR = 0,
  CNN_ISA_AVX2,   /* AVX2 + FMA */
  CNN_ISA_AVX512, /* AVX-512F */
  CNN_ISA_NEON,
  CNN_ISA_COUNT
} cnn_isa;

const char *cnn_isa_name(cnn_isa isa);

/* "scalar", "avx2", "avx512" or "neon"; anything else is an error. */
cnn_status cnn_isa_parse(const char *name, cnn_isa *isa);

/* Nonzero when this build has kernels for isa and this CPU can run them. */
int cnn_isa_supported(cnn_isa isa);

/* The best supported ISA, or the one named by the CNN_ISA environment
 * variable; an unknown or unrunnable CNN_ISA is an error, never a fallback. */
cnn_status cnn_isa_default(cnn_isa *isa);

/* An execution context: thread count, kernel table and reusable scratch
 * memory. One context must not be used by two threads at once; separate
 * contexts are independent. */
typedef struct cnn_context cnn_context;

/* num_threads 0 means CNN_NUM_THREADS if set, else the physical core count.
 * The ISA is cnn_isa_default(). */
cnn_status cnn_context_create(int num_threads, cnn_context **ctx);
void cnn_context_free(cnn_context *ctx);

int cnn_context_num_threads(const cnn_context *ctx);
cnn_status cnn_context_set_num_threads(cnn_context *ctx, int num_threads);
cnn_isa cnn_context_isa(const cnn_context *ctx);
cnn_status cnn_context_set_isa(cnn_context *ctx, cnn_isa isa);

#ifdef __cplusplus
}
#endif
#endif
