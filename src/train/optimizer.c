/* SGD, momentum and Adam on the flat parameter list. Every update is
 * element-wise, so its result does not depend on the thread count. */
#include "train/optimizer.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "runtime/context.h"
#include "runtime/error.h"
#include "runtime/memory.h"
#include "runtime/parallel.h"

/* Parameters below which the update runs on one thread: Adam over the
 * 434k of `simple` takes about 0.4 ms, while waking a second thread costs
 * up to a millisecond on a busy machine. */
#define OPTIMIZER_PARALLEL_MIN ((size_t)1 << 20)

static const char *const slot_names[3][2] = {
    {NULL, NULL}, {"velocity", NULL}, {"adam_m", "adam_v"}};

cnn_status cnn_optimizer_create(const cnn_train_settings *settings,
                                const cnn_net *net, struct cnn_optimizer **out) {
  *out = NULL;
  cnn_status st = cnn_train_settings_check(settings);
  if (st) return st;
  struct cnn_optimizer *opt = cnn_alloc_zeroed(1, sizeof *opt, "optimizer");
  if (!opt) return CNN_STATUS_OUT_OF_MEMORY;
  opt->settings = *settings;
  opt->num_params = net->num_params;
  opt->num_slots = settings->optimizer == CNN_OPTIMIZER_ADAM       ? 2
                   : settings->optimizer == CNN_OPTIMIZER_MOMENTUM ? 1
                                                                   : 0;
  size_t count = (size_t)opt->num_slots * (size_t)opt->num_params;
  opt->state = cnn_alloc_zeroed(count + 1, sizeof *opt->state, "optimizer state");
  opt->state_names = cnn_alloc_zeroed(count + 1, sizeof *opt->state_names,
                                      "optimizer state names");
  if (!opt->state || !opt->state_names) {
    cnn_optimizer_free(opt);
    return CNN_STATUS_OUT_OF_MEMORY;
  }
  for (int s = 0; s < opt->num_slots; s++) {
    for (int k = 0; k < opt->num_params; k++) {
      const cnn_tensor *p = &net->params[k];
      size_t i = (size_t)s * opt->num_params + k;
      char name[96];
      int len = snprintf(name, sizeof name, "%s.%s", net->param_names[k],
                         slot_names[opt->num_slots][s]);
      if ((st = cnn_tensor_init(&opt->state[i], p->n, p->c, p->h, p->w)) ||
          !(opt->state_names[i] = cnn_alloc((size_t)len + 1, 1, "state name"))) {
        cnn_optimizer_free(opt);
        return st ? st : CNN_STATUS_OUT_OF_MEMORY;
      }
      memcpy(opt->state_names[i], name, (size_t)len + 1);
    }
  }
  *out = opt;
  return CNN_STATUS_OK;
}

void cnn_optimizer_free(struct cnn_optimizer *opt) {
  if (!opt) return;
  int count = cnn_optimizer_num_state(opt);
  for (int i = 0; i < count; i++) {
    if (opt->state) cnn_tensor_free(&opt->state[i]);
    if (opt->state_names) cnn_free(opt->state_names[i]);
  }
  cnn_free(opt->state);
  cnn_free(opt->state_names);
  cnn_free(opt);
}

int cnn_optimizer_num_state(const struct cnn_optimizer *opt) {
  return opt->num_slots * opt->num_params;
}

void cnn_optimizer_step(struct cnn_optimizer *opt, cnn_net *net, cnn_context *ctx,
                        float lr, uint64_t step) {
  const cnn_train_settings *s = &opt->settings;
  /* Adam's bias corrections, 1 - beta^t. */
  float correct1 = (float)(1.0 - pow(s->beta1, (double)step));
  float correct2 = (float)(1.0 - pow(s->beta2, (double)step));
  struct cnn_adam_params adam = {lr,       s->beta1, s->beta2, 1.0f - s->beta1,
                                 1.0f - s->beta2, correct1, correct2, s->eps, 0.0f};
  /* Threads split every tensor into contiguous shares; below
   * OPTIMIZER_PARALLEL_MIN parameters one thread does it all. */
  size_t total = 0;
  for (int k = 0; k < opt->num_params; k++) total += cnn_tensor_numel(&net->params[k]);
  const int threads = total < OPTIMIZER_PARALLEL_MIN ? 1 : ctx->num_threads;
  CNN_OMP(parallel num_threads(threads) if (threads > 1)) {
    struct cnn_adam_params mine = adam;
    for (int k = 0; k < opt->num_params; k++) {
      size_t first, end;
      cnn_thread_share(cnn_tensor_numel(&net->params[k]), &first, &end);
      float *w = net->params[k].data + first;
      const float *g = net->grads[k].data + first;
      float decay = net->param_decay[k] ? s->weight_decay : 0.0f;
      size_t n = end - first;
      switch (s->optimizer) {
        case CNN_OPTIMIZER_SGD:
          for (size_t i = 0; i < n; i++) w[i] -= lr * (g[i] + decay * w[i]);
          break;
        case CNN_OPTIMIZER_MOMENTUM: {
          float *v = opt->state[k].data + first;
          for (size_t i = 0; i < n; i++) {
            v[i] = s->momentum * v[i] + (g[i] + decay * w[i]);
            w[i] -= lr * v[i];
          }
          break;
        }
        case CNN_OPTIMIZER_ADAM:
          mine.decay = decay;
          ctx->kernels->adam(n, w, g, opt->state[k].data + first,
                             opt->state[opt->num_params + k].data + first, &mine);
          break;
      }
    }
  }
}
