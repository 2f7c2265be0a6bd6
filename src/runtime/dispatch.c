/* The kernel tables: every slot starts with its scalar kernel, then each ISA
 * this build compiled and this CPU runs takes its own kernels from the
 * register lists (kernels/f32_gemm.inc, kernels/f32_pool.inc,
 * kernels/f32_relu.inc, kernels/f32_adam.inc, kernels/f32_conv_*.inc).
 * Built once. */
#include <threads.h>

#include "kernels/ukernels.h"
#include "runtime/cpu.h"

static struct cnn_kernels tables[CNN_ISA_COUNT];
static int usable[CNN_ISA_COUNT];
static once_flag tables_once = ONCE_FLAG_INIT;

static void fill_scalar(struct cnn_kernels *k) {
  k->isa = CNN_ISA_SCALAR;
  k->gemm_mr = 4;
  k->gemm_nr = 4;
  k->gemm = cnn_f32_gemm_ukernel_4x4__scalar;
  k->gemm_pack_a = cnn_f32_gemm_pack__scalar;
  k->gemm_pack_b = cnn_f32_gemm_pack__scalar;
  k->gemm_name = "cnn_f32_gemm_ukernel_4x4__scalar";
  k->gemm_short_mr = k->gemm_mr;
  k->gemm_short = k->gemm;
  k->gemm_short_name = k->gemm_name;
  k->im2col = cnn_f32_im2col_ukernel__scalar;
  k->col2im = cnn_f32_col2im_ukernel__scalar;
  k->maxpool = cnn_f32_maxpool_ukernel__scalar;
  k->maxpool_bwd = cnn_f32_maxpool_bwd_ukernel__scalar;
  k->avgpool = cnn_f32_avgpool_ukernel__scalar;
  k->avgpool_bwd = cnn_f32_avgpool_bwd_ukernel__scalar;
  k->relu = cnn_f32_relu_ukernel__scalar;
  k->relu_bwd = cnn_f32_relu_bwd_ukernel__scalar;
  k->adam = cnn_f32_adam_ukernel__scalar;
}

/* The direct-convolution kernels of every ISA this build compiled, from
 * their register lists (the scalar rows come first and fill every table,
 * so no slot stays NULL); a table only serves when its ISA is usable. */
static void fill_conv(void) {
  for (int isa = 0; isa < CNN_ISA_COUNT; isa++) {
#define CNN_F32_CONV_DIRECT_UKERNEL(row_isa, name, twin, mr, nr)            \
  if (row_isa == CNN_ISA_SCALAR || row_isa == isa) {                       \
    tables[isa].conv_direct_mr = mr;                                       \
    tables[isa].conv_direct_nr = nr;                                       \
    tables[isa].conv_direct = name;                                        \
    tables[isa].conv_direct_name = #name;                                  \
  }
#include "kernels/f32_conv_direct.inc"
#undef CNN_F32_CONV_DIRECT_UKERNEL
#define CNN_F32_CONV_DIRECT_K_UKERNEL(row_isa, name, twin, mr, nr, vl)          \
  if (row_isa == CNN_ISA_SCALAR || row_isa == isa) {                       \
    tables[isa].conv_direct_k_mr = mr;                                     \
    tables[isa].conv_direct_k_nr = nr;                                     \
    tables[isa].conv_direct_k_vl = vl;                                     \
    tables[isa].conv_direct_k = name;                                      \
    tables[isa].conv_direct_k_name = #name;                                \
  }
#include "kernels/f32_conv_direct_k.inc"
#undef CNN_F32_CONV_DIRECT_K_UKERNEL
#define CNN_F32_CONV_DIRECT_ROWS_UKERNEL(row_isa, name, twin, mr, nv, vl)            \
  if (row_isa == isa && tables[isa].conv_direct_rows_count < CNN_CONV_DIRECT_ROWS_VARIANTS) { \
    tables[isa].conv_direct_rows[tables[isa].conv_direct_rows_count++] =            \
        (struct cnn_conv_direct_rows_variant){mr, nv, name, #name};                 \
    tables[isa].conv_direct_rows_vl = vl;                                           \
  }
#include "kernels/f32_conv_direct_rows.inc"
#undef CNN_F32_CONV_DIRECT_ROWS_UKERNEL
    /* An ISA without its own takes the scalar one. */
#define CNN_F32_CONV_DIRECT_ROWS_UKERNEL(row_isa, name, twin, mr, nv, vl)            \
  if (row_isa == CNN_ISA_SCALAR && tables[isa].conv_direct_rows_count == 0) {       \
    tables[isa].conv_direct_rows[tables[isa].conv_direct_rows_count++] =            \
        (struct cnn_conv_direct_rows_variant){mr, nv, name, #name};                 \
    tables[isa].conv_direct_rows_vl = vl;                                           \
  }
#include "kernels/f32_conv_direct_rows.inc"
#undef CNN_F32_CONV_DIRECT_ROWS_UKERNEL
#define CNN_F32_CONV_WGRAD_KV_UKERNEL(row_isa, name, twin, lanes, max_taps, pack)   \
  if (row_isa == isa && tables[isa].conv_wgrad_kv_count < CNN_CONV_WGRAD_KV_VARIANTS) { \
    tables[isa].conv_wgrad_kv[tables[isa].conv_wgrad_kv_count++] =                  \
        (struct cnn_conv_wgrad_kv_variant){lanes, max_taps, name, #name};           \
    tables[isa].conv_wgrad_kv_pack = pack;                                          \
  }
#include "kernels/f32_conv_wgrad_kv.inc"
#undef CNN_F32_CONV_WGRAD_KV_UKERNEL
    /* An ISA without its own takes the scalar ones. */
#define CNN_F32_CONV_WGRAD_KV_UKERNEL(row_isa, name, twin, lanes, max_taps, pack)   \
  if (row_isa == CNN_ISA_SCALAR && tables[isa].conv_wgrad_kv_count == 0) {         \
    tables[isa].conv_wgrad_kv[tables[isa].conv_wgrad_kv_count++] =                  \
        (struct cnn_conv_wgrad_kv_variant){lanes, max_taps, name, #name};           \
    tables[isa].conv_wgrad_kv_pack = pack;                                          \
  }
#include "kernels/f32_conv_wgrad_kv.inc"
#undef CNN_F32_CONV_WGRAD_KV_UKERNEL
#define CNN_F32_CONV_DGRAD_CV_UKERNEL(row_isa, name, twin, lanes, jmax)            \
  if (row_isa == isa && tables[isa].conv_dgrad_cv_count < CNN_CONV_DGRAD_CV_VARIANTS) \
    tables[isa].conv_dgrad_cv[tables[isa].conv_dgrad_cv_count++] =                  \
        (struct cnn_conv_dgrad_cv_variant){lanes, jmax, name, #name};
#include "kernels/f32_conv_dgrad_cv.inc"
#undef CNN_F32_CONV_DGRAD_CV_UKERNEL
#define CNN_F32_CONV_DGRAD_CV_UKERNEL(row_isa, name, twin, lanes, jmax)            \
  if (row_isa == CNN_ISA_SCALAR && tables[isa].conv_dgrad_cv_count == 0)           \
    tables[isa].conv_dgrad_cv[tables[isa].conv_dgrad_cv_count++] =                  \
        (struct cnn_conv_dgrad_cv_variant){lanes, jmax, name, #name};
#include "kernels/f32_conv_dgrad_cv.inc"
#undef CNN_F32_CONV_DGRAD_CV_UKERNEL
#define CNN_F32_CONV_DGRAD_KV_UKERNEL(row_isa, name, twin, lanes, mc, nj) \
  if (row_isa == CNN_ISA_SCALAR || row_isa == isa) {                    \
    tables[isa].conv_dgrad_kv_lanes = lanes;                            \
    tables[isa].conv_dgrad_kv_mc = mc;                                  \
    tables[isa].conv_dgrad_kv_nj = nj;                                  \
    tables[isa].conv_dgrad_kv = name;                                   \
    tables[isa].conv_dgrad_kv_name = #name;                             \
  }
#include "kernels/f32_conv_dgrad_kv.inc"
#undef CNN_F32_CONV_DGRAD_KV_UKERNEL
  }
}

/* The first row of an ISA sets its kernel (and its short kernel, the same
 * until a later row of the ISA brings a shorter one). */
static void set_gemm(struct cnn_kernels *k, cnn_isa isa, cnn_f32_gemm_ukernel_fn fn,
                     const char *name, int mr, int nr, cnn_f32_gemm_pack_fn pack) {
  if (k->isa != isa || isa == CNN_ISA_SCALAR) {
    k->isa = isa;
    usable[isa] = 1;
    k->gemm_mr = k->gemm_short_mr = mr;
    k->gemm_nr = nr;
    k->gemm = k->gemm_short = fn;
    k->gemm_name = k->gemm_short_name = name;
    k->gemm_pack_a = k->gemm_pack_b = pack;
  } else if (nr == k->gemm_nr && mr < k->gemm_short_mr) {
    k->gemm_short_mr = mr;
    k->gemm_short = fn;
    k->gemm_short_name = name;
  }
}

static void build_tables(void) {
  for (int isa = 0; isa < CNN_ISA_COUNT; isa++) {
    fill_scalar(&tables[isa]);
    usable[isa] = isa == CNN_ISA_SCALAR;
  }
  /* An ISA becomes usable when this build registered its kernels and the
   * CPU runs them; the scalar row only restates the scalar table. */
#define CNN_F32_GEMM_UKERNEL(isa_id, name, twin, mr, nr, pack) \
  if (cnn_cpu_can_run(isa_id)) set_gemm(&tables[isa_id], isa_id, name, #name, mr, nr, pack);
#include "kernels/f32_gemm.inc"
#undef CNN_F32_GEMM_UKERNEL
#define CNN_F32_POOL_UKERNELS(isa_id, max_fwd, max_bwd, avg_fwd, avg_bwd) \
  if (cnn_cpu_can_run(isa_id)) {                                          \
    struct cnn_kernels *k = &tables[isa_id];                              \
    k->maxpool = max_fwd;                                                 \
    k->maxpool_bwd = max_bwd;                                             \
    k->avgpool = avg_fwd;                                                 \
    k->avgpool_bwd = avg_bwd;                                             \
  }
#include "kernels/f32_pool.inc"
#undef CNN_F32_POOL_UKERNELS
#define CNN_F32_RELU_UKERNELS(isa_id, fwd, bwd) \
  if (cnn_cpu_can_run(isa_id)) {                \
    tables[isa_id].relu = fwd;                  \
    tables[isa_id].relu_bwd = bwd;              \
  }
#include "kernels/f32_relu.inc"
#undef CNN_F32_RELU_UKERNELS
#define CNN_F32_ADAM_UKERNEL(isa_id, name) \
  if (cnn_cpu_can_run(isa_id)) tables[isa_id].adam = name;
#include "kernels/f32_adam.inc"
#undef CNN_F32_ADAM_UKERNEL
  fill_conv();
}

const struct cnn_kernels *cnn_kernels_for(cnn_isa isa) {
  if ((unsigned)isa >= CNN_ISA_COUNT) return NULL;
  call_once(&tables_once, build_tables);
  return usable[isa] ? &tables[isa] : NULL;
}
