/* conv_bench: convolution throughput on the shapes of bench/conv_shapes.csv.
 *
 *   conv_bench [--shapes FILE] [--only NAMES] [--pass fwd,bwd_data,bwd_weights]
 *              [--algo LIST] [--isa ISA] [--threads LIST] [--reps R]
 *              [--json FILE] [--verify] [--vs onednn] [--timer wall|cpu]
 *
 * One row per shape x pass x algorithm x thread count: the median time of R
 * samples (each sample repeats the call for at least 20 ms), GFLOP/s
 * (2*N*K*C*R*S*OH*OW per pass), the percentage of the FMA peak measured at
 * start-up for the ISA and thread count, and a benchdnn-style repro string.
 * --verify checks every result against the scalar reference first.
 *
 * --vs onednn (when built with oneDNN) times oneDNN on the same buffers in
 * the same run, with the same repetitions and FLOP formula, six ways: each
 * set-up of bench/onednn_conv.h (blocked, primitive alone; blocked with the
 * reorders from and to NCHW timed; plain NCHW) with each algorithm
 * (convolution_direct, convolution_auto; auto may pick Winograd, fewer
 * FLOPs than the ones quoted, so its GFLOP/s can exceed the FMA peak). A
 * row shows oneDNN's direct algorithm with reorders (our own inputs and
 * outputs are NCHW, layout changes included) and its ratio `r_dir`, then
 * the fastest of the six, which set-up and algorithm it was, and the ratio
 * to it `r_best`; the geometric mean and the minimum of both ratios close
 * each thread count. --timer cpu times with the process CPU clock divided
 * by the thread count instead of the wall clock: on a machine shared with
 * other work, the time the process waited for a core is left out (OpenMP
 * threads spinning at a barrier still count, so with several threads it
 * errs on the slow side, for both sides). The FMA peak is measured the
 * same way. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_shapes.h"
#include "cnn/cnn.h"
#include "conv/conv_algo.h"
#include "fma_peak.h"

#if CNN_HAVE_DNNL
#include "onednn_conv.h"
#endif

#ifndef CNN_BENCH_DEFAULT_SHAPES
#define CNN_BENCH_DEFAULT_SHAPES "bench/conv_shapes.csv"
#endif

enum { MAX_SHAPES = 256, MAX_LIST = 16, PASSES = 3 };
static const char *const pass_names[PASSES] = {"fwd", "bwd_data", "bwd_weights"};

struct options {
  const char *shapes, *only, *json;
  int passes[PASSES];
  const char *algos[MAX_LIST];
  int algo_count;
  int threads[MAX_LIST];
  int thread_count;
  int reps, verify, vs_onednn, isa_given, cpu_timer;
  cnn_isa isa;
};

static void usage(void) {
  fprintf(stderr,
          "usage: conv_bench [--shapes FILE] [--only NAME,...] [--pass fwd,bwd_data,bwd_weights]\n"
          "                  [--algo auto,direct,im2col,reference] [--isa scalar|avx2|avx512|neon]\n"
          "                  [--threads N[,N...]] [--reps R] [--json FILE] [--verify] [--vs onednn]\n"
          "                  [--timer wall|cpu]\n");
}

/* Splits a comma list in place into at most MAX_LIST items. */
static int split(char *list, const char **items) {
  int count = 0;
  for (char *tok = strtok(list, ","); tok && count < MAX_LIST; tok = strtok(NULL, ","))
    items[count++] = tok;
  return count;
}

static int parse_options(int argc, char **argv, struct options *o) {
  *o = (struct options){.shapes = CNN_BENCH_DEFAULT_SHAPES, .reps = 5,
                        .passes = {1, 1, 1}, .algos = {"auto"}, .algo_count = 1};
  for (int i = 1; i < argc; i++) {
    const char *arg = argv[i];
    const char *value = i + 1 < argc ? argv[i + 1] : NULL;
    const char *items[MAX_LIST];
    if (strcmp(arg, "--verify") == 0) {
      o->verify = 1;
      continue;
    }
    if (!value) {
      fprintf(stderr, "conv_bench: %s needs a value\n", arg);
      return -1;
    }
    i++;
    if (strcmp(arg, "--shapes") == 0) {
      o->shapes = value;
    } else if (strcmp(arg, "--only") == 0) {
      o->only = value;
    } else if (strcmp(arg, "--json") == 0) {
      o->json = value;
    } else if (strcmp(arg, "--reps") == 0) {
      o->reps = atoi(value);
      if (o->reps < 1) {
        fprintf(stderr, "conv_bench: --reps %s: expected a positive integer\n", value);
        return -1;
      }
    } else if (strcmp(arg, "--isa") == 0) {
      if (cnn_isa_parse(value, &o->isa) != CNN_STATUS_OK || !cnn_isa_supported(o->isa)) {
        fprintf(stderr, "conv_bench: --isa %s: unknown or not runnable here\n", value);
        return -1;
      }
      o->isa_given = 1;
    } else if (strcmp(arg, "--pass") == 0) {
      char *copy = strdup(value);
      const int n = split(copy, items);
      memset(o->passes, 0, sizeof o->passes);
      for (int j = 0; j < n; j++) {
        int found = 0;
        for (int p = 0; p < PASSES; p++)
          if (strcmp(items[j], pass_names[p]) == 0) o->passes[p] = found = 1;
        if (!found) {
          fprintf(stderr, "conv_bench: --pass %s: expected fwd, bwd_data or bwd_weights\n",
                  items[j]);
          return -1;
        }
      }
    } else if (strcmp(arg, "--algo") == 0) {
      o->algo_count = split(strdup(value), o->algos);
      for (int j = 0; j < o->algo_count; j++) {
        const struct cnn_conv_algo *algo;
        if (cnn_conv_algo_parse(o->algos[j], &algo) != CNN_STATUS_OK) {
          fprintf(stderr, "conv_bench: --algo: %s\n", cnn_last_error());
          return -1;
        }
      }
    } else if (strcmp(arg, "--threads") == 0) {
      o->thread_count = split(strdup(value), items);
      for (int j = 0; j < o->thread_count; j++) {
        o->threads[j] = atoi(items[j]);
        if (o->threads[j] < 1) {
          fprintf(stderr, "conv_bench: --threads %s: expected positive integers\n", value);
          return -1;
        }
      }
    } else if (strcmp(arg, "--timer") == 0) {
      if (strcmp(value, "wall") != 0 && strcmp(value, "cpu") != 0) {
        fprintf(stderr, "conv_bench: --timer %s: expected wall or cpu\n", value);
        return -1;
      }
      o->cpu_timer = strcmp(value, "cpu") == 0;
    } else if (strcmp(arg, "--vs") == 0) {
      if (strcmp(value, "onednn") != 0) {
        fprintf(stderr, "conv_bench: --vs %s: only onednn is known\n", value);
        return -1;
      }
#if CNN_HAVE_DNNL
      o->vs_onednn = 1;
#else
      fprintf(stderr, "conv_bench: built without oneDNN (libdnnl-dev): --vs onednn unavailable\n");
      return -1;
#endif
    } else {
      usage();
      return -1;
    }
  }
  return 0;
}

static int selected(const struct options *o, const char *name) {
  if (!o->only) return 1;
  char *copy = strdup(o->only);
  const char *items[MAX_LIST];
  int n = split(copy, items), hit = 0;
  for (int i = 0; i < n; i++) hit |= strcmp(items[i], name) == 0;
  free(copy);
  return hit;
}

/* ---- buffers ---- */

struct tensors {
  size_t nx, nw, ny;
  float *x, *w, *bias, *y, *dy, *dx, *dw, *db; /* y doubles as the output checked */
  float *ref;                                  /* the reference output of a pass */
};

static float *bench_alloc(size_t n) {
  float *p = aligned_alloc(64, (n * sizeof(float) + 63) / 64 * 64);
  if (!p) {
    fprintf(stderr, "conv_bench: out of memory\n");
    exit(1);
  }
  return p;
}

static void fill(float *x, size_t n, uint64_t *state) {
  for (size_t i = 0; i < n; i++) {
    *state = *state * 6364136223846793005ull + 1442695040888963407ull;
    x[i] = (float)((double)(*state >> 40) / (double)(1 << 24) * 2.0 - 1.0);
  }
}

static void tensors_init(struct tensors *t, const struct cnn_conv_problem *p) {
  t->nx = (size_t)p->n * p->c * p->h * p->w;
  t->nw = (size_t)p->k * p->c * p->r * p->s;
  t->ny = (size_t)p->n * p->k * p->oh * p->ow;
  size_t most = t->nx > t->ny ? t->nx : t->ny;
  if (t->nw > most) most = t->nw;
  t->x = bench_alloc(t->nx), t->dx = bench_alloc(t->nx);
  t->w = bench_alloc(t->nw), t->dw = bench_alloc(t->nw);
  t->y = bench_alloc(t->ny), t->dy = bench_alloc(t->ny);
  t->bias = bench_alloc(p->k), t->db = bench_alloc(p->k);
  t->ref = bench_alloc(most);
  uint64_t state = 42;
  fill(t->x, t->nx, &state);
  fill(t->w, t->nw, &state);
  fill(t->dy, t->ny, &state);
  fill(t->bias, p->k, &state);
}

static void tensors_free(struct tensors *t) {
  float *all[] = {t->x, t->dx, t->w, t->dw, t->y, t->dy, t->bias, t->db, t->ref};
  for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) free(all[i]);
}

/* The output of a pass and its length. */
static float *pass_output(struct tensors *t, int pass, size_t *n) {
  *n = pass == 0 ? t->ny : pass == 1 ? t->nx : t->nw;
  return pass == 0 ? t->y : pass == 1 ? t->dx : t->dw;
}

static void reference(const struct cnn_conv_problem *p, struct tensors *t, int pass) {
  if (pass == 0) cnn_f32_conv_fwd_ref(p, t->x, t->w, t->bias, t->ref);
  if (pass == 1) cnn_f32_conv_bwd_data_ref(p, t->dy, t->w, t->ref);
  if (pass == 2) cnn_f32_conv_bwd_weights_ref(p, t->x, t->dy, t->ref, NULL);
}

/* Largest difference relative to the largest reference magnitude. */
static double relative_error(const float *got, const float *want, size_t n) {
  double diff = 0.0, scale = 1e-30;
  for (size_t i = 0; i < n; i++) {
    const double d = fabs((double)got[i] - want[i]);
    if (!(d <= diff)) diff = d; /* NaN wins */
    if (fabs(want[i]) > scale) scale = fabs(want[i]);
  }
  return diff / scale;
}

/* ---- timing ---- */

typedef int (*bench_fn)(void *arg);

/* Nonzero: time with the process CPU clock, divided by this thread count. */
static int cpu_timer_threads;

static double timer_now(void) {
  if (!cpu_timer_threads) return bench_now();
  struct timespec t;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return ((double)t.tv_sec + 1e-9 * (double)t.tv_nsec) / cpu_timer_threads;
}

static int cmp_double(const void *a, const void *b) {
  const double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

/* Median seconds per call over reps samples; -1 on failure. */
static double time_median(bench_fn fn, void *arg, int reps) {
  if (fn(arg) != 0) return -1.0; /* warm-up: buffers, caches, thread pools */
  double samples[reps];
  for (int r = 0; r < reps; r++) {
    int calls = 0;
    const double start = timer_now();
    double now = start;
    do {
      if (fn(arg) != 0) return -1.0;
      calls++;
      now = timer_now();
    } while (now - start < 0.02);
    samples[r] = (now - start) / calls;
  }
  qsort(samples, (size_t)reps, sizeof samples[0], cmp_double);
  return reps % 2 ? samples[reps / 2] : 0.5 * (samples[reps / 2 - 1] + samples[reps / 2]);
}

struct ours_call {
  cnn_context *ctx;
  const struct cnn_conv_algo *algo;
  const struct cnn_conv_problem *p;
  struct tensors *t;
  int pass;
};

static int run_ours(void *arg) {
  struct ours_call *c = arg;
  struct tensors *t = c->t;
  cnn_status st;
  if (c->pass == 0)
    st = cnn_conv_forward_with(c->ctx, c->algo, c->p, t->x, t->w, t->bias, 0, t->y);
  else if (c->pass == 1)
    st = cnn_conv_backward_data_with(c->ctx, c->algo, c->p, t->dy, t->w, t->dx);
  else
    st = cnn_conv_backward_weights_with(c->ctx, c->algo, c->p, t->x, t->dy, t->dw, t->db);
  if (st != CNN_STATUS_OK) fprintf(stderr, "conv_bench: %s\n", cnn_last_error());
  return st == CNN_STATUS_OK ? 0 : -1;
}

/* oneDNN's time on one cell: its direct algorithm with reorders (the
 * comparison of earlier versions) and the fastest of every set-up and
 * algorithm. */
struct onednn_times {
  double direct_s, best_s; /* -1: none */
  char direct_impl[48], best_impl[80];
  double worst_error;      /* --verify: over every set-up timed */
};

#if CNN_HAVE_DNNL
static int run_onednn(void *arg) { return onednn_conv_run(arg); }

static void time_onednn(const struct bench_shape *b, const struct cnn_conv_problem *p,
                        struct tensors *t, int pass, int reps, int verify,
                        struct onednn_times *out) {
  (void)p;
  *out = (struct onednn_times){.direct_s = -1.0, .best_s = -1.0};
  float *x = pass == 1 ? t->dx : t->x, *w = pass == 2 ? t->dw : t->w;
  float *y = pass == 0 ? t->y : t->dy, *bias = pass == 2 ? t->db : t->bias;
  const dnnl_alg_kind_t algs[2] = {dnnl_convolution_direct, dnnl_convolution_auto};
  const char *const alg_names[2] = {"direct", "auto"};
  for (int setup = 0; setup < ONEDNN_SETUPS; setup++)
    for (int a = 0; a < 2; a++) {
      struct onednn_conv dnn;
      const int ready = onednn_conv_init(&dnn, b, pass, algs[a], (enum onednn_setup)setup, x,
                                         w, bias, y) == 0;
      const double s = ready ? time_median(run_onednn, &dnn, reps) : -1.0;
      if (s > 0 && setup == ONEDNN_BLOCKED_REORDERS && a == 0) {
        out->direct_s = s;
        snprintf(out->direct_impl, sizeof out->direct_impl, "%s", dnn.impl);
      }
      if (s > 0 && (out->best_s < 0 || s < out->best_s)) {
        out->best_s = s;
        snprintf(out->best_impl, sizeof out->best_impl, "%s/%s/%s",
                 onednn_setup_names[setup], alg_names[a], dnn.impl);
      }
      if (s > 0 && verify && onednn_conv_finish(&dnn) == 0) {
        size_t n;
        const float *got = pass_output(t, pass, &n);
        const double err = relative_error(got, t->ref, n);
        if (!(err <= out->worst_error)) out->worst_error = err;
      }
      onednn_conv_free(&dnn);
    }
}
#endif

/* ---- output ---- */

/* Geometric mean and minimum of one ratio over the cells. */
struct summary {
  double log_ratio_sum, min_ratio;
  int ratios;
  char min_cell[96];
};

static void summary_add(struct summary *sum, double ratio, const char *shape, const char *pass) {
  sum->log_ratio_sum += log(ratio);
  sum->ratios++;
  if (ratio < sum->min_ratio) {
    sum->min_ratio = ratio;
    snprintf(sum->min_cell, sizeof sum->min_cell, "%.31s %s", shape, pass);
  }
}

static void summary_print(const struct summary *sum, const char *what) {
  if (sum->ratios)
    printf(" %s: geomean %.3f over %d cells, min %.3f (%s);", what,
           exp(sum->log_ratio_sum / sum->ratios), sum->ratios, sum->min_ratio, sum->min_cell);
}

static void json_row(FILE *json, int *first, const struct bench_shape *b, const char *pass,
                     const char *algo, const char *impl, int threads, double ms, double gflops,
                     double peak_pct, const struct onednn_times *dnn, double flops,
                     const char *verify, const char *repro) {
  if (!json) return;
  fprintf(json, "%s\n  {\"shape\": \"%s\", \"pass\": \"%s\", \"algo\": \"%s\", \"impl\": \"%s\", "
                "\"threads\": %d, \"ms\": %.4f, \"gflops\": %.2f, \"peak_pct\": %.1f",
          *first ? "" : ",", b->name, pass, algo, impl, threads, ms, gflops, peak_pct);
  if (dnn && dnn->direct_s > 0)
    fprintf(json, ", \"onednn_ms\": %.4f, \"onednn_gflops\": %.2f, \"ratio\": %.3f, "
                  "\"onednn_impl\": \"%s\"",
            dnn->direct_s * 1e3, flops / dnn->direct_s * 1e-9, gflops * dnn->direct_s / flops * 1e9,
            dnn->direct_impl);
  if (dnn && dnn->best_s > 0)
    fprintf(json, ", \"onednn_best_ms\": %.4f, \"onednn_best_gflops\": %.2f, "
                  "\"ratio_best\": %.3f, \"onednn_best_impl\": \"%s\"",
            dnn->best_s * 1e3, flops / dnn->best_s * 1e-9, gflops * dnn->best_s / flops * 1e9,
            dnn->best_impl);
  fprintf(json, ", \"verify\": \"%s\", \"repro\": \"", verify);
  for (const char *c = repro; *c; c++) fprintf(json, *c == '"' ? "\\\"" : "%c", *c);
  fprintf(json, "\"}");
  *first = 0;
}

int main(int argc, char **argv) {
  struct options o;
  if (parse_options(argc, argv, &o) != 0) return 2;
  struct bench_shape shapes[MAX_SHAPES];
  const int shape_count = bench_read_shapes(o.shapes, shapes, MAX_SHAPES);
  if (shape_count < 0) return 2;

  cnn_context *ctx;
  if (cnn_context_create(0, &ctx) != CNN_STATUS_OK) {
    fprintf(stderr, "conv_bench: %s\n", cnn_last_error());
    return 2;
  }
  if (o.isa_given) cnn_context_set_isa(ctx, o.isa);
  const cnn_isa isa = cnn_context_isa(ctx);
  if (o.thread_count == 0) o.threads[o.thread_count++] = cnn_context_num_threads(ctx);

  FILE *json = o.json ? fopen(o.json, "w") : NULL;
  if (o.json && !json) {
    fprintf(stderr, "conv_bench: cannot write %s\n", o.json);
    return 2;
  }
  int json_first = 1;
  if (json) fprintf(json, "[");
  int failures = 0;

  for (int ti = 0; ti < o.thread_count; ti++) {
    const int threads = o.threads[ti];
    cnn_context_set_num_threads(ctx, threads);
#ifdef _OPENMP
    omp_set_num_threads(threads);
#endif
    cpu_timer_threads = o.cpu_timer ? threads : 0;
    const double peak = bench_fma_peak_timed(isa, threads, timer_now);
    printf("# isa %s, %d thread%s, measured FMA peak %.1f GFLOP/s\n", cnn_isa_name(isa),
           threads, threads > 1 ? "s" : "", peak);
    printf("%-11s %-11s %-9s %-9s %9s %8s %6s", "shape", "pass", "algo", "impl", "ms",
           "GFLOP/s", "%peak");
    if (o.vs_onednn)
      printf(" %9s %8s %6s %9s %8s %6s  %-40s", "dnn_dir", "GFLOP/s", "r_dir", "dnn_best",
             "GFLOP/s", "r_best", "onednn_best (set-up/alg/impl)");
    printf(" %-8s %s\n", "verify", "repro");
    struct summary vs_direct = {.min_ratio = INFINITY}, vs_best = {.min_ratio = INFINITY};

    for (int si = 0; si < shape_count; si++) {
      const struct bench_shape *b = &shapes[si];
      if (!selected(&o, b->name)) continue;
      const struct cnn_conv_problem p = {
          .n = b->n, .c = b->c, .h = b->h, .w = b->w, .k = b->k, .r = b->r, .s = b->s,
          .stride_h = b->stride, .stride_w = b->stride, .pad_h = b->pad, .pad_w = b->pad,
          .oh = bench_shape_oh(b), .ow = bench_shape_ow(b)};
      struct tensors t;
      tensors_init(&t, &p);
      char repro[160];
      bench_shape_repro(b, repro, sizeof repro);
      const double flops = bench_shape_flops(b);

      for (int pass = 0; pass < PASSES; pass++) {
        if (!o.passes[pass]) continue;
        if (o.verify) reference(&p, &t, pass);
        struct onednn_times dnn = {.direct_s = -1.0, .best_s = -1.0};
#if CNN_HAVE_DNNL
        if (o.vs_onednn) time_onednn(b, &p, &t, pass, o.reps, o.verify, &dnn);
#endif
        for (int ai = 0; ai < o.algo_count; ai++) {
          const struct cnn_conv_algo *algo, *chosen;
          cnn_conv_algo_parse(o.algos[ai], &algo);
          const cnn_conv_pass cp = (cnn_conv_pass)pass;
          if (cnn_conv_algo_choose(ctx, algo, &p, cp, &chosen) != CNN_STATUS_OK) {
            printf("%-11s %-11s %-9s declined: %s\n", b->name, pass_names[pass], o.algos[ai],
                   cnn_last_error());
            continue;
          }
          struct ours_call call = {ctx, chosen, &p, &t, pass};
          char verify[32] = "-";
          if (o.verify) {
            size_t n;
            float *out = pass_output(&t, pass, &n);
            for (size_t i = 0; i < n; i++) out[i] = NAN;
            const double err = run_ours(&call) == 0 ? relative_error(out, t.ref, n) : INFINITY;
            const int ok = err <= 1e-4;
            failures += !ok;
            snprintf(verify, sizeof verify, "%s%.0e", ok ? "ok:" : "FAIL:", err);
          }
          const double s = time_median(run_ours, &call, o.reps);
          if (s < 0) {
            failures++;
            continue;
          }
          const double gflops = flops / s * 1e-9;
          printf("%-11s %-11s %-9s %-9s %9.3f %8.1f %6.1f", b->name, pass_names[pass],
                 o.algos[ai], chosen->name, s * 1e3, gflops, 100.0 * gflops / peak);
          if (o.vs_onednn) {
            const double r_dir = dnn.direct_s > 0 ? dnn.direct_s / s : NAN;
            const double r_best = dnn.best_s > 0 ? dnn.best_s / s : NAN;
            printf(" %9.3f %8.1f %6.2f %9.3f %8.1f %6.2f  %-40s", dnn.direct_s * 1e3,
                   flops / dnn.direct_s * 1e-9, r_dir, dnn.best_s * 1e3,
                   flops / dnn.best_s * 1e-9, r_best, dnn.best_impl);
            if (dnn.direct_s > 0) summary_add(&vs_direct, r_dir, b->name, pass_names[pass]);
            if (dnn.best_s > 0) summary_add(&vs_best, r_best, b->name, pass_names[pass]);
          }
          printf(" %-8s %s\n", verify, repro);
          if (o.verify && o.vs_onednn)
            printf("%-11s %-11s onednn verify (worst set-up) %.1e\n", b->name,
                   pass_names[pass], dnn.worst_error);
          json_row(json, &json_first, b, pass_names[pass], o.algos[ai], chosen->name, threads,
                   s * 1e3, gflops, 100.0 * gflops / peak, o.vs_onednn ? &dnn : NULL, flops,
                   verify, repro);
        }
        fflush(stdout);
      }
      tensors_free(&t);
    }
    if (vs_direct.ratios || vs_best.ratios) {
      printf("# %d thread%s, ratio of GFLOP/s to oneDNN:", threads, threads > 1 ? "s" : "");
      summary_print(&vs_direct, "direct with reorders (r_dir)");
      summary_print(&vs_best, "best of six (r_best)");
      printf("\n\n");
    }
  }
  if (json) {
    fprintf(json, "\n]\n");
    fclose(json);
  }
  cnn_context_free(ctx);
  if (failures) fprintf(stderr, "conv_bench: %d failure(s)\n", failures);
  return failures ? 1 : 0;
}
