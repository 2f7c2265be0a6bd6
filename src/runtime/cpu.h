/* Internal: what the CPU and the operating system let this process run. */
#ifndef CNN_RUNTIME_CPU_H
#define CNN_RUNTIME_CPU_H

#include <stddef.h>
#include "cnn/runtime.h"

struct cnn_cpu_features {
  /* x86-64: instruction sets (cpuid) and the register state the OS saves
   * on a context switch (xgetbv): without the latter the former are unusable. */
  int avx, fma, avx2, avx512f, avx512vl, avx512dq, avx512bw;
  int os_ymm, os_zmm;
  /* AArch64: Advanced SIMD (getauxval(AT_HWCAP)). */
  int neon;
};

/* Detected once; the same object for the life of the process. */
const struct cnn_cpu_features *cnn_cpu_features(void);

/* Nonzero when the CPU and the OS can run the kernels of isa (regardless of
 * whether this build compiled them). */
int cnn_cpu_can_run(cnn_isa isa);

/* The detected features as space-separated names ("avx2 fma avx512f ..."). */
void cnn_cpu_describe(char *buf, size_t size);

#endif
