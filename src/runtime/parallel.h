/* Internal: OpenMP without #ifdef at every use. CNN_OMP(parallel for ...)
 * expands to the pragma when the build has OpenMP and to nothing otherwise
 * (no unknown-pragma warnings); cnn_thread_index() is 0 outside a region or
 * without OpenMP; cnn_team_size(wanted) is the number of threads a region
 * asking for wanted will have (1 without OpenMP), for sizing per-thread
 * buffers. */
#ifndef CNN_RUNTIME_PARALLEL_H
#define CNN_RUNTIME_PARALLEL_H

#ifdef _OPENMP
#include <omp.h>
#define CNN_PRAGMA_(text) _Pragma(#text)
#define CNN_OMP(...) CNN_PRAGMA_(omp __VA_ARGS__)
static inline int cnn_thread_index(void) { return omp_get_thread_num(); }
static inline int cnn_team_size(int wanted) { return wanted; }
#else
#define CNN_OMP(...)
static inline int cnn_thread_index(void) { return 0; }
static inline int cnn_team_size(int wanted) { (void)wanted; return 1; }
#endif

#endif
