#include <stdlib.h>
#include <string.h>

#include "cnn/runtime.h"
#include "kernels/ukernels.h"
#include "runtime/error.h"

static const char *const isa_names[CNN_ISA_COUNT] = {
    [CNN_ISA_SCALAR] = "scalar",
    [CNN_ISA_AVX2] = "avx2",
    [CNN_ISA_AVX512] = "avx512",
    [CNN_ISA_NEON] = "neon",
};

const char *cnn_isa_name(cnn_isa isa) {
  return (unsigned)isa < CNN_ISA_COUNT ? isa_names[isa] : "unknown";
}

cnn_status cnn_isa_parse(const char *name, cnn_isa *isa) {
  for (int i = 0; name && i < CNN_ISA_COUNT; i++)
    if (strcmp(name, isa_names[i]) == 0) {
      *isa = (cnn_isa)i;
      return CNN_STATUS_OK;
    }
  return cnn_error(CNN_STATUS_UNSUPPORTED_ISA,
                   "unknown ISA \"%s\": expected scalar, avx2, avx512 or neon",
                   name ? name : "(null)");
}

int cnn_isa_supported(cnn_isa isa) { return cnn_kernels_for(isa) != NULL; }

cnn_status cnn_isa_default(cnn_isa *isa) {
  const char *forced = getenv("CNN_ISA");
  if (forced && *forced) {
    cnn_status st = cnn_isa_parse(forced, isa);
    if (st != CNN_STATUS_OK) return st;
    if (!cnn_isa_supported(*isa))
      return cnn_error(CNN_STATUS_UNSUPPORTED_ISA,
                       "CNN_ISA=%s: this build or CPU cannot run it", forced);
    return CNN_STATUS_OK;
  }
  /* The ladder, best first. */
  static const cnn_isa ladder[] = {CNN_ISA_AVX512, CNN_ISA_AVX2, CNN_ISA_NEON};
  for (size_t i = 0; i < sizeof ladder / sizeof ladder[0]; i++)
    if (cnn_isa_supported(ladder[i])) {
      *isa = ladder[i];
      return CNN_STATUS_OK;
    }
  *isa = CNN_ISA_SCALAR;
  return CNN_STATUS_OK;
}
