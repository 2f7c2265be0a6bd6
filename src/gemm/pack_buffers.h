/* Internal: the packing buffers of the GEMM driver.
 *
 * Each thread owns one buffer for packed A and one for packed B, kept in
 * thread-local storage and grown (never shrunk) to the largest block it has
 * packed. Thread-local rather than in the context, because the convolution
 * drivers call the GEMM from inside their own parallel region with one
 * shared context: per-thread storage is what keeps those calls apart. Once
 * every shape of a training step has been seen, no call allocates again.
 * A buffer is released when its thread exits. */
#ifndef CNN_GEMM_PACK_BUFFERS_H
#define CNN_GEMM_PACK_BUFFERS_H

#include <stddef.h>

/* The calling thread's buffers with room for a_floats and b_floats floats,
 * 64-byte aligned; 0 (and a cnn_last_error message) when out of memory. */
int cnn_gemm_pack_buffers(size_t a_floats, size_t b_floats, float **a, float **b);

#endif
