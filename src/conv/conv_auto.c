#include "conv/conv_auto.h"

#include <string.h>
#include <time.h>

#include "runtime/context.h"
#include "runtime/error.h"
#include "runtime/memory.h"

struct choice {
  struct cnn_conv_problem p;
  cnn_conv_pass pass;
  cnn_isa isa;
  int threads;
  const struct cnn_conv_algo *algo;
};

/* The algorithms worth timing: the fast ones (the reference is last in the
 * list and only ever a fallback). */
static int timed(const struct cnn_conv_algo *algo) {
  return strcmp(algo->name, "reference") != 0;
}

cnn_status cnn_conv_call_run(cnn_context *ctx, const struct cnn_conv_algo *algo,
                             const struct cnn_conv_problem *p,
                             const struct cnn_conv_call *call) {
  switch (call->pass) {
    case CNN_CONV_FORWARD:
      return algo->forward(ctx, p, call->x, call->w, call->bias, call->relu, call->y);
    case CNN_CONV_BACKWARD_DATA:
      return algo->backward_data(ctx, p, call->dy, call->w, call->dx);
    default:
      return algo->backward_weights(ctx, p, call->x, call->dy, call->dw, call->dbias);
  }
}

static int same_problem(const struct cnn_conv_problem *a, const struct cnn_conv_problem *b) {
  return a->n == b->n && a->c == b->c && a->h == b->h && a->w == b->w && a->k == b->k &&
         a->r == b->r && a->s == b->s && a->stride_h == b->stride_h &&
         a->stride_w == b->stride_w && a->pad_h == b->pad_h && a->pad_w == b->pad_w &&
         a->oh == b->oh && a->ow == b->ow;
}

const struct cnn_conv_algo *cnn_conv_auto_cached(const cnn_context *ctx,
                                                 const struct cnn_conv_problem *p,
                                                 cnn_conv_pass pass) {
  const struct choice *choices = ctx->conv_choices;
  for (int i = 0; i < ctx->conv_choice_count; i++)
    if (choices[i].pass == pass && choices[i].isa == ctx->isa &&
        choices[i].threads == ctx->num_threads && same_problem(&choices[i].p, p))
      return choices[i].algo;
  return NULL;
}

static cnn_status remember(cnn_context *ctx, const struct cnn_conv_problem *p,
                           cnn_conv_pass pass, const struct cnn_conv_algo *algo) {
  if (ctx->conv_choice_count == ctx->conv_choice_capacity) {
    const int capacity = ctx->conv_choice_capacity ? 2 * ctx->conv_choice_capacity : 16;
    struct choice *grown = cnn_alloc((size_t)capacity, sizeof *grown, "convolution choices");
    if (!grown) return CNN_STATUS_OUT_OF_MEMORY;
    if (ctx->conv_choice_count)
      memcpy(grown, ctx->conv_choices, sizeof *grown * (size_t)ctx->conv_choice_count);
    cnn_free(ctx->conv_choices);
    ctx->conv_choices = grown;
    ctx->conv_choice_capacity = capacity;
  }
  ((struct choice *)ctx->conv_choices)[ctx->conv_choice_count++] =
      (struct choice){*p, pass, ctx->isa, ctx->num_threads, algo};
  return CNN_STATUS_OK;
}

static double seconds(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

cnn_status cnn_conv_auto_run(cnn_context *ctx, const struct cnn_conv_problem *p,
                             const struct cnn_conv_call *call) {
  const struct cnn_conv_algo *best = cnn_conv_auto_cached(ctx, p, call->pass);
  if (best) return cnn_conv_call_run(ctx, best, p, call);
  int count;
  const struct cnn_conv_algo *algos = cnn_conv_algos(&count);
  const struct cnn_conv_algo *last_run = NULL;
  double best_time = 0.0;
  cnn_status st;
  for (int i = 0; i < count; i++) {
    if (!timed(&algos[i]) || algos[i].init(ctx, p, call->pass) != CNN_STATUS_OK) continue;
    /* Twice, the faster counting: the first run also pays for growing the
     * scratch memory and for cold caches. */
    double fastest = 0.0;
    for (int run = 0; run < 2; run++) {
      const double start = seconds();
      if ((st = cnn_conv_call_run(ctx, &algos[i], p, call)) != CNN_STATUS_OK) return st;
      const double elapsed = seconds() - start;
      if (run == 0 || elapsed < fastest) fastest = elapsed;
    }
    last_run = &algos[i];
    if (!best || fastest < best_time) {
      best = &algos[i];
      best_time = fastest;
    }
  }
  if (!best) {
    /* Only the reference accepts: run it, and remember it. */
    const struct cnn_conv_algo *chosen;
    if ((st = cnn_conv_algo_choose(ctx, NULL, p, call->pass, &chosen)) != CNN_STATUS_OK)
      return st;
    best = last_run = chosen;
    if ((st = cnn_conv_call_run(ctx, best, p, call)) != CNN_STATUS_OK) return st;
  }
  if (last_run != best && (st = cnn_conv_call_run(ctx, best, p, call)) != CNN_STATUS_OK)
    return st;
  return remember(ctx, p, call->pass, best);
}
