/* CPU feature detection: cpuid and xgetbv on x86-64, the auxiliary vector
 * on AArch64. Other targets report no SIMD feature and run scalar. */
#include "runtime/cpu.h"

#include <stdio.h>
#include <string.h>
#include <threads.h>

#if defined(__x86_64__)
#include <cpuid.h>
#elif defined(__aarch64__)
#include <sys/auxv.h>
#endif

static struct cnn_cpu_features features;
static once_flag features_once = ONCE_FLAG_INIT;

#if defined(__x86_64__)
/* XCR0 bits: SSE and AVX state (YMM), then opmask, ZMM_Hi256, Hi16_ZMM. */
#define XCR0_YMM 0x06u
#define XCR0_ZMM 0xe6u

static unsigned long long read_xcr0(void) {
  unsigned lo, hi;
  __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
  return ((unsigned long long)hi << 32) | lo;
}

static void detect(void) {
  unsigned eax, ebx, ecx, edx;
  if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return;
  int osxsave = (ecx >> 27) & 1;
  features.avx = (ecx >> 28) & 1;
  features.fma = (ecx >> 12) & 1;
  if (osxsave) {
    unsigned long long xcr0 = read_xcr0();
    features.os_ymm = (xcr0 & XCR0_YMM) == XCR0_YMM;
    features.os_zmm = (xcr0 & XCR0_ZMM) == XCR0_ZMM;
  }
  if (__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) {
    features.avx2 = (ebx >> 5) & 1;
    features.avx512f = (ebx >> 16) & 1;
    features.avx512dq = (ebx >> 17) & 1;
    features.avx512bw = (ebx >> 30) & 1;
    features.avx512vl = (ebx >> 31) & 1;
  }
}
#elif defined(__aarch64__)
static void detect(void) {
#ifndef HWCAP_ASIMD
#define HWCAP_ASIMD (1 << 1)
#endif
  features.neon = (getauxval(AT_HWCAP) & HWCAP_ASIMD) != 0;
}
#else
static void detect(void) {}
#endif

const struct cnn_cpu_features *cnn_cpu_features(void) {
  call_once(&features_once, detect);
  return &features;
}

int cnn_cpu_can_run(cnn_isa isa) {
  const struct cnn_cpu_features *f = cnn_cpu_features();
  /* The -m flags of each kernel folder (cmake/CnnCompilerFlags.cmake) say
   * which instructions its code may contain; all of them must be present. */
  int avx2 = f->avx && f->avx2 && f->fma && f->os_ymm;
  switch (isa) {
    case CNN_ISA_SCALAR: return 1;
    case CNN_ISA_AVX2: return avx2;
    case CNN_ISA_AVX512:
      return avx2 && f->avx512f && f->avx512vl && f->avx512dq && f->avx512bw &&
             f->os_zmm;
    case CNN_ISA_NEON: return f->neon;
    default: return 0;
  }
}

void cnn_cpu_describe(char *buf, size_t size) {
  const struct cnn_cpu_features *f = cnn_cpu_features();
  const struct { const char *name; int on; } names[] = {
      {"avx", f->avx},           {"fma", f->fma},
      {"avx2", f->avx2},         {"avx512f", f->avx512f},
      {"avx512vl", f->avx512vl}, {"avx512dq", f->avx512dq},
      {"avx512bw", f->avx512bw}, {"os-ymm", f->os_ymm},
      {"os-zmm", f->os_zmm},     {"neon", f->neon},
  };
  size_t used = 0;
  if (size) buf[0] = '\0';
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    if (!names[i].on || used >= size) continue;
    int n = snprintf(buf + used, size - used, "%s%s", used ? " " : "", names[i].name);
    if (n > 0) used += (size_t)n;
  }
  if (used == 0 && size) snprintf(buf, size, "none");
}
