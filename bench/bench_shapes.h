/* Convolution shapes for the benchmarks: reading bench/conv_shapes.csv
 * (name,N,C,H,W,K,R,S,stride,pad; '#' comments) and naming a shape as a
 * benchdnn-style problem string. Plain C, also compiled as C++. */
#ifndef CNN_BENCH_SHAPES_H
#define CNN_BENCH_SHAPES_H

#include <stdio.h>
#include <string.h>

struct bench_shape {
  char name[32];
  int n, c, h, w, k, r, s, stride, pad;
};

static inline int bench_shape_oh(const struct bench_shape *b) {
  return (b->h + 2 * b->pad - b->r) / b->stride + 1;
}
static inline int bench_shape_ow(const struct bench_shape *b) {
  return (b->w + 2 * b->pad - b->s) / b->stride + 1;
}

/* 2*N*K*C*R*S*OH*OW: the FLOPs of every pass. */
static inline double bench_shape_flops(const struct bench_shape *b) {
  return 2.0 * b->n * b->k * b->c * b->r * b->s * bench_shape_oh(b) * bench_shape_ow(b);
}

/* Reads up to max shapes; returns the count, or -1 with a message on
 * stderr when the file cannot be read or a line is malformed. */
static inline int bench_read_shapes(const char *path, struct bench_shape *shapes, int max) {
  FILE *f = fopen(path, "r");
  if (!f) {
    fprintf(stderr, "cannot open shapes file %s\n", path);
    return -1;
  }
  char line[512];
  int count = 0, lineno = 0;
  while (fgets(line, sizeof line, f)) {
    lineno++;
    if (line[0] == '#' || line[0] == '\n' || strncmp(line, "name,", 5) == 0) continue;
    struct bench_shape b;
    if (sscanf(line, "%31[^,],%d,%d,%d,%d,%d,%d,%d,%d,%d", b.name, &b.n, &b.c, &b.h, &b.w,
               &b.k, &b.r, &b.s, &b.stride, &b.pad) != 10 ||
        b.n < 1 || b.c < 1 || b.h < 1 || b.w < 1 || b.k < 1 || b.r < 1 || b.s < 1 ||
        b.stride < 1 || b.pad < 0 || b.h + 2 * b.pad < b.r || b.w + 2 * b.pad < b.s) {
      fprintf(stderr, "%s:%d: expected name,N,C,H,W,K,R,S,stride,pad with valid sizes\n",
              path, lineno);
      fclose(f);
      return -1;
    }
    if (count < max) shapes[count++] = b;
  }
  fclose(f);
  return count;
}

/* benchdnn style: mb64ic1ih28oc6kh5ph2n"lenet_c1" (iw, kw, sh only when
 * they differ from the defaults). */
static inline void bench_shape_repro(const struct bench_shape *b, char *out, size_t size) {
  char extra[64] = "";
  size_t used = 0;
  if (b->w != b->h) used += snprintf(extra + used, sizeof extra - used, "iw%d", b->w);
  used += snprintf(extra + used, sizeof extra - used, "oc%dkh%d", b->k, b->r);
  if (b->s != b->r) used += snprintf(extra + used, sizeof extra - used, "kw%d", b->s);
  if (b->stride != 1) used += snprintf(extra + used, sizeof extra - used, "sh%d", b->stride);
  snprintf(out, size, "mb%dic%dih%d%.63sph%dn\"%.31s\"", b->n, b->c, b->h, extra, b->pad, b->name);
}

#endif
