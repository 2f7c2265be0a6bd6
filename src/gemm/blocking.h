/* Internal: the cache blocking of the GEMM driver. */
#ifndef CNN_GEMM_BLOCKING_H
#define CNN_GEMM_BLOCKING_H

#include <stddef.h>

struct cnn_gemm_blocking {
  size_t mc; /* rows of A packed at once (a multiple of MR): the L2 block */
  size_t kc; /* depth of one packed block (k split into even blocks) */
  size_t nc; /* columns of B packed at once (a multiple of NR): the L3 block,
                or an L2 block when A is a single block */
  size_t a_floats, b_floats; /* packing buffer sizes that hold the blocks of
                                any problem on this kernel */
};

/* Block sizes for a kernel of tile mr x nr on this machine's caches, for
 * a problem of m rows and depth k. They depend on neither n nor the thread
 * count, so every split of C across threads computes with the same blocks
 * and gives the same bits. */
struct cnn_gemm_blocking cnn_gemm_blocking_for(size_t mr, size_t nr, size_t m, size_t k);

#endif
