/* Internal: OpenMP without #ifdef at every use. CNN_OMP(parallel for ...)
 * expands to the pragma when the build has OpenMP and to nothing otherwise
 * (no unknown-pragma warnings); cnn_thread_index() is 0 outside a region or
 * without OpenMP; cnn_team_size(wanted) is the number of threads a region
 * asking for wanted will have (1 without OpenMP), for sizing per-thread
 * buffers; cnn_threads_here() is the size of the current team. */
#ifndef CNN_RUNTIME_PARALLEL_H
#define CNN_RUNTIME_PARALLEL_H

#include <stddef.h>

#ifdef _OPENMP
#include <omp.h>
#define CNN_PRAGMA_(text) _Pragma(#text)
#define CNN_OMP(...) CNN_PRAGMA_(omp __VA_ARGS__)
static inline int cnn_thread_index(void) { return omp_get_thread_num(); }
static inline int cnn_team_size(int wanted) { return wanted; }
static inline int cnn_threads_here(void) { return omp_get_num_threads(); }
#else
#define CNN_OMP(...)
static inline int cnn_thread_index(void) { return 0; }
static inline int cnn_team_size(int wanted) { (void)wanted; return 1; }
static inline int cnn_threads_here(void) { return 1; }
#endif

/* The calling thread's share [*first, *end) of count items, balance211
 * style: shares differ by at most one item and follow thread order. */
static inline void cnn_thread_share(size_t count, size_t *first, size_t *end) {
  const size_t threads = (size_t)cnn_threads_here(), t = (size_t)cnn_thread_index();
  const size_t base = count / threads, extra = count % threads;
  *first = t * base + (t < extra ? t : extra);
  *end = *first + base + (t < extra);
}

#endif
