/* Internal: the cache blocking of the GEMM driver. */
#ifndef CNN_GEMM_BLOCKING_H
#define CNN_GEMM_BLOCKING_H

#include <stddef.h>

struct cnn_gemm_blocking {
  size_t mc; /* rows of A packed at once (a multiple of MR): the L2 block */
  size_t kc; /* depth of one packed block: the B micro-panel stays in L1 */
  size_t nc; /* columns of B packed at once (a multiple of NR): the L3 block */
};

/* Block sizes for a kernel of tile mr x nr on this machine's caches. */
struct cnn_gemm_blocking cnn_gemm_blocking_for(size_t mr, size_t nr);

/* The block size that splits total into as many blocks as block does, but
 * of even sizes (a multiple of `multiple`, at most block): 2304 in blocks
 * of 512 becomes 5 blocks of 464 and a last one of 448, not four of 512
 * and one of 256. */
size_t cnn_gemm_even_block(size_t total, size_t block, size_t multiple);

#endif
