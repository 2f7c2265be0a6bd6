/* oneDNN on the benchmark's shapes, for side-by-side ratios, in one of
 * three set-ups (enum onednn_setup):
 * - blocked: format "any" (oneDNN picks its preferred, usually blocked,
 *   layouts); the inputs are reordered from the plain NCHW/OIHW buffers
 *   once, before timing, and only the convolution primitive is timed (the
 *   output reorder runs after, for --verify): oneDNN as a framework that
 *   keeps its tensors blocked from layer to layer runs it;
 * - blocked+reorders: the same, with the reorders from and to the plain
 *   buffers inside the timed call, as our own layout conversions are;
 * - plain: the convolution created on NCHW/OIHW itself, nothing reordered.
 * Benchmark-only: compiled when dnnl.h and libdnnl were found. */
#ifndef CNN_BENCH_ONEDNN_CONV_H
#define CNN_BENCH_ONEDNN_CONV_H

#include <dnnl.h>
#include <stdio.h>
#include <stdlib.h>

#include "bench_shapes.h"

enum { ONEDNN_MAX_STEPS = 6, ONEDNN_MAX_ARGS = 6 };

/* One primitive with its arguments. */
struct onednn_step {
  dnnl_primitive_t prim;
  int nargs;
  dnnl_exec_arg_t args[ONEDNN_MAX_ARGS];
};

enum onednn_setup { ONEDNN_BLOCKED, ONEDNN_BLOCKED_REORDERS, ONEDNN_PLAIN, ONEDNN_SETUPS };
static const char *const onednn_setup_names[ONEDNN_SETUPS] = {"blocked", "blocked+reorders",
                                                              "plain"};

struct onednn_conv {
  dnnl_engine_t engine;
  dnnl_stream_t stream;
  struct onednn_step steps[ONEDNN_MAX_STEPS];
  int count;
  int timed_first, timed_end; /* the steps onednn_conv_run times */
  dnnl_memory_t memories[16];
  int memory_count;
  const char *impl; /* oneDNN's name of the convolution implementation */
  dnnl_primitive_desc_t conv_pd, hint_pd;
};

#define ONEDNN_TRY(call)                                                      \
  do {                                                                        \
    dnnl_status_t st_ = (call);                                               \
    if (st_ != dnnl_success) {                                                \
      fprintf(stderr, "oneDNN: %s failed with status %d\n", #call, (int)st_); \
      return -1;                                                              \
    }                                                                         \
  } while (0)

static inline dnnl_memory_t onednn_memory(struct onednn_conv *o, const dnnl_memory_desc_t *md,
                                          void *handle) {
  dnnl_memory_t m = NULL;
  if (dnnl_memory_create(&m, md, o->engine, handle ? handle : DNNL_MEMORY_ALLOCATE) !=
      dnnl_success)
    return NULL;
  o->memories[o->memory_count++] = m;
  return m;
}

/* A user buffer in plain layout as the conv wants it: the same memory when
 * the layouts agree, else a new buffer and a reorder step (to the conv for
 * inputs, from it for outputs). Returns the memory the conv uses. */
static inline dnnl_memory_t onednn_bind(struct onednn_conv *o, const dnnl_memory_desc_t *user_md,
                                        const dnnl_memory_desc_t *conv_md, void *user,
                                        int is_input, struct onednn_step *after) {
  dnnl_memory_t user_mem = onednn_memory(o, user_md, user);
  if (dnnl_memory_desc_equal(user_md, conv_md)) return user_mem;
  dnnl_memory_t conv_mem = onednn_memory(o, conv_md, NULL);
  dnnl_primitive_desc_t rpd;
  const dnnl_memory_desc_t *from = is_input ? user_md : conv_md, *to = is_input ? conv_md : user_md;
  if (dnnl_reorder_primitive_desc_create(&rpd, from, o->engine, to, o->engine, NULL) != dnnl_success)
    return NULL;
  struct onednn_step *s = is_input ? &o->steps[o->count++] : after;
  dnnl_primitive_create(&s->prim, rpd);
  dnnl_primitive_desc_destroy(rpd);
  s->nargs = 2;
  s->args[0] = (dnnl_exec_arg_t){DNNL_ARG_FROM, is_input ? user_mem : conv_mem};
  s->args[1] = (dnnl_exec_arg_t){DNNL_ARG_TO, is_input ? conv_mem : user_mem};
  return conv_mem;
}

static inline int onednn_steps(struct onednn_conv *o, int first, int end) {
  for (int i = first; i < end; i++)
    ONEDNN_TRY(dnnl_primitive_execute(o->steps[i].prim, o->stream, o->steps[i].nargs,
                                      o->steps[i].args));
  ONEDNN_TRY(dnnl_stream_wait(o->stream));
  return 0;
}

/* pass: 0 forward (with bias), 1 backward-data, 2 backward-weights (with
 * bias gradient). The buffers are the user's plain NCHW/OIHW arrays. alg:
 * dnnl_convolution_direct (benchdnn's default) or dnnl_convolution_auto
 * (which may pick Winograd, fewer FLOPs than the 2*N*K*C*R*S*OH*OW quoted).
 * Returns -1 when oneDNN has no implementation for the set-up. */
static inline int onednn_conv_init(struct onednn_conv *o, const struct bench_shape *b, int pass,
                                   dnnl_alg_kind_t alg, enum onednn_setup setup, float *x,
                                   float *w, float *bias, float *y) {
  *o = (struct onednn_conv){0};
  ONEDNN_TRY(dnnl_engine_create(&o->engine, dnnl_cpu, 0));
  ONEDNN_TRY(dnnl_stream_create(&o->stream, o->engine, dnnl_stream_default_flags));
  const dnnl_dims_t xd = {b->n, b->c, b->h, b->w}, wd = {b->k, b->c, b->r, b->s},
                    yd = {b->n, b->k, bench_shape_oh(b), bench_shape_ow(b)}, bd = {b->k};
  const dnnl_dims_t strides = {b->stride, b->stride}, pad = {b->pad, b->pad};
  /* The right padding that makes the output size exact. */
  const dnnl_dims_t pad_r = {(bench_shape_oh(b) - 1) * b->stride + b->r - b->h - b->pad,
                             (bench_shape_ow(b) - 1) * b->stride + b->s - b->w - b->pad};
  dnnl_memory_desc_t x_any, w_any, y_any, b_md, x_user, w_user, y_user;
  const int plain = setup == ONEDNN_PLAIN;
  const dnnl_format_tag_t any = dnnl_format_tag_any;
  ONEDNN_TRY(dnnl_memory_desc_init_by_tag(&x_any, 4, xd, dnnl_f32, plain ? dnnl_nchw : any));
  ONEDNN_TRY(dnnl_memory_desc_init_by_tag(&w_any, 4, wd, dnnl_f32, plain ? dnnl_oihw : any));
  ONEDNN_TRY(dnnl_memory_desc_init_by_tag(&y_any, 4, yd, dnnl_f32, plain ? dnnl_nchw : any));
  ONEDNN_TRY(dnnl_memory_desc_init_by_tag(&b_md, 1, bd, dnnl_f32, dnnl_x));
  ONEDNN_TRY(dnnl_memory_desc_init_by_tag(&x_user, 4, xd, dnnl_f32, dnnl_nchw));
  ONEDNN_TRY(dnnl_memory_desc_init_by_tag(&w_user, 4, wd, dnnl_f32, dnnl_oihw));
  ONEDNN_TRY(dnnl_memory_desc_init_by_tag(&y_user, 4, yd, dnnl_f32, dnnl_nchw));

  dnnl_convolution_desc_t fwd;
  ONEDNN_TRY(dnnl_convolution_forward_desc_init(&fwd, dnnl_forward_training,
                                                alg, &x_any, &w_any, &b_md,
                                                &y_any, strides, pad, pad_r));
  ONEDNN_TRY(dnnl_primitive_desc_create(&o->hint_pd, &fwd, NULL, o->engine, NULL));
  dnnl_convolution_desc_t cd;
  if (pass == 0) {
    cd = fwd;
  } else if (pass == 1) {
    ONEDNN_TRY(dnnl_convolution_backward_data_desc_init(&cd, alg, &x_any,
                                                        &w_any, &y_any, strides, pad, pad_r));
  } else {
    ONEDNN_TRY(dnnl_convolution_backward_weights_desc_init(
        &cd, alg, &x_any, &w_any, &b_md, &y_any, strides, pad, pad_r));
  }
  ONEDNN_TRY(dnnl_primitive_desc_create(&o->conv_pd, &cd, NULL, o->engine,
                                        pass == 0 ? NULL : o->hint_pd));
  o->impl = "?";
  dnnl_primitive_desc_query(o->conv_pd, dnnl_query_impl_info_str, 0, &o->impl);

  const dnnl_memory_desc_t *src_md = dnnl_primitive_desc_query_md(
      o->conv_pd, pass == 1 ? dnnl_query_diff_src_md : dnnl_query_src_md, 0);
  const dnnl_memory_desc_t *wei_md = dnnl_primitive_desc_query_md(
      o->conv_pd, pass == 2 ? dnnl_query_diff_weights_md : dnnl_query_weights_md, 0);
  const dnnl_memory_desc_t *dst_md = dnnl_primitive_desc_query_md(
      o->conv_pd, pass == 0 ? dnnl_query_dst_md : dnnl_query_diff_dst_md, 0);

  /* Steps: input reorders, the conv, output reorders. */
  struct onednn_step out_reorder = {0};
  dnnl_memory_t xm, wm, ym;
  dnnl_memory_t bm = onednn_memory(o, &b_md, bias);
  if (pass == 0) {
    xm = onednn_bind(o, &x_user, src_md, x, 1, NULL);
    wm = onednn_bind(o, &w_user, wei_md, w, 1, NULL);
    ym = onednn_bind(o, &y_user, dst_md, y, 0, &out_reorder);
  } else if (pass == 1) {
    ym = onednn_bind(o, &y_user, dst_md, y, 1, NULL);
    wm = onednn_bind(o, &w_user, wei_md, w, 1, NULL);
    xm = onednn_bind(o, &x_user, src_md, x, 0, &out_reorder);
  } else {
    xm = onednn_bind(o, &x_user, src_md, x, 1, NULL);
    ym = onednn_bind(o, &y_user, dst_md, y, 1, NULL);
    wm = onednn_bind(o, &w_user, wei_md, w, 0, &out_reorder);
  }
  if (!xm || !wm || !ym || !bm) return -1;
  struct onednn_step *conv = &o->steps[o->count++];
  ONEDNN_TRY(dnnl_primitive_create(&conv->prim, o->conv_pd));
  const int src_arg = pass == 1 ? DNNL_ARG_DIFF_SRC : DNNL_ARG_SRC;
  const int wei_arg = pass == 2 ? DNNL_ARG_DIFF_WEIGHTS : DNNL_ARG_WEIGHTS;
  const int dst_arg = pass == 0 ? DNNL_ARG_DST : DNNL_ARG_DIFF_DST;
  const int bias_arg = pass == 2 ? DNNL_ARG_DIFF_BIAS : DNNL_ARG_BIAS;
  conv->args[0] = (dnnl_exec_arg_t){src_arg, xm};
  conv->args[1] = (dnnl_exec_arg_t){wei_arg, wm};
  conv->args[2] = (dnnl_exec_arg_t){dst_arg, ym};
  conv->nargs = 3;
  if (pass != 1) conv->args[conv->nargs++] = (dnnl_exec_arg_t){bias_arg, bm};
  const int conv_step = o->count - 1;
  if (out_reorder.prim) o->steps[o->count++] = out_reorder;
  o->timed_first = 0;
  o->timed_end = o->count;
  if (setup == ONEDNN_BLOCKED) {
    o->timed_first = conv_step;
    o->timed_end = conv_step + 1;
    return onednn_steps(o, 0, conv_step); /* the input reorders, once */
  }
  return 0;
}

/* The timed call. */
static inline int onednn_conv_run(struct onednn_conv *o) {
  return onednn_steps(o, o->timed_first, o->timed_end);
}

/* The untimed output reorder (blocked set-up), so that the user's output
 * buffer holds the result. */
static inline int onednn_conv_finish(struct onednn_conv *o) {
  return onednn_steps(o, o->timed_end, o->count);
}

static inline void onednn_conv_free(struct onednn_conv *o) {
  for (int i = 0; i < o->count; i++) dnnl_primitive_destroy(o->steps[i].prim);
  for (int i = 0; i < o->memory_count; i++) dnnl_memory_destroy(o->memories[i]);
  if (o->conv_pd) dnnl_primitive_desc_destroy(o->conv_pd);
  if (o->hint_pd) dnnl_primitive_desc_destroy(o->hint_pd);
  if (o->stream) dnnl_stream_destroy(o->stream);
  if (o->engine) dnnl_engine_destroy(o->engine);
}

#endif
