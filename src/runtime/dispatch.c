#include <threads.h>

#include "kernels/ukernels.h"

static struct cnn_kernels tables[CNN_ISA_COUNT];
static int usable[CNN_ISA_COUNT];
static once_flag tables_once = ONCE_FLAG_INIT;

static void fill_scalar(struct cnn_kernels *k) {
  k->isa = CNN_ISA_SCALAR;
  k->gemm_mr = CNN_SCALAR_GEMM_MR;
  k->gemm_nr = CNN_SCALAR_GEMM_NR;
  k->gemm = cnn_f32_gemm_ukernel_4x4__scalar;
  k->gemm_name = "cnn_f32_gemm_ukernel_4x4__scalar";
  k->im2col = cnn_f32_im2col_ukernel__scalar;
  k->col2im = cnn_f32_col2im_ukernel__scalar;
  k->maxpool = cnn_f32_maxpool_ukernel__scalar;
  k->maxpool_bwd = cnn_f32_maxpool_bwd_ukernel__scalar;
  k->avgpool = cnn_f32_avgpool_ukernel__scalar;
  k->avgpool_bwd = cnn_f32_avgpool_bwd_ukernel__scalar;
}

static void build_tables(void) {
  for (int isa = 0; isa < CNN_ISA_COUNT; isa++) fill_scalar(&tables[isa]);
  usable[CNN_ISA_SCALAR] = 1;
}

const struct cnn_kernels *cnn_kernels_for(cnn_isa isa) {
  if ((unsigned)isa >= CNN_ISA_COUNT) return NULL;
  call_once(&tables_once, build_tables);
  return usable[isa] ? &tables[isa] : NULL;
}
