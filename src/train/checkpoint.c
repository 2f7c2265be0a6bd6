/* Trainers and nets to and from checkpoints (include/cnn/checkpoint.h):
 * the model text, the settings, the position, the RNG, the parameters and
 * then the optimizer state, each tensor named and shape-checked on load. */
#include <string.h>

#include "cnn/checkpoint.h"
#include "runtime/error.h"
#include "runtime/memory.h"
#include "train/trainer.h"

cnn_status cnn_trainer_save(const cnn_trainer *tr, const char *path) {
  if (!tr || !path) return cnn_error(CNN_STATUS_INVALID_ARGUMENT, "save: a NULL argument");
  const cnn_net *net = tr->net;
  const struct cnn_optimizer *opt = tr->opt;
  int count = net->num_params + cnn_optimizer_num_state(opt);
  char settings[256];
  cnn_train_settings_format(&opt->settings, settings, sizeof settings);
  cnn_checkpoint ck = {.model = net->text,
                       .optimizer = settings,
                       .epoch = tr->epoch,
                       .step = tr->step,
                       .num_tensors = count};
  memcpy(ck.rng, tr->rng.s, sizeof ck.rng);
  ck.names = cnn_alloc((size_t)count, sizeof *ck.names, "checkpoint names");
  ck.tensors = cnn_alloc((size_t)count, sizeof *ck.tensors, "checkpoint tensors");
  cnn_status st = CNN_STATUS_OUT_OF_MEMORY;
  if (ck.names && ck.tensors) {
    for (int k = 0; k < net->num_params; k++) {
      ck.names[k] = net->param_names[k];
      ck.tensors[k] = net->params[k];
    }
    for (int i = 0; i < count - net->num_params; i++) {
      ck.names[net->num_params + i] = opt->state_names[i];
      ck.tensors[net->num_params + i] = opt->state[i];
    }
    st = cnn_checkpoint_save(path, &ck);
  }
  cnn_free(ck.names);
  cnn_free(ck.tensors);
  return st;
}

/* Copies the checkpoint's tensors [first, first+count) into dst after
 * checking each one's name and shape. */
static cnn_status restore(const char *path, const cnn_checkpoint *ck, int first,
                          int count, cnn_tensor *dst, char *const *names) {
  if (ck->num_tensors < first + count)
    return cnn_error(CNN_STATUS_BAD_FORMAT,
                     "%s: %d tensors, but the model and optimizer need %d", path,
                     ck->num_tensors, first + count);
  for (int i = 0; i < count; i++) {
    const cnn_tensor *src = &ck->tensors[first + i];
    if (strcmp(ck->names[first + i], names[i]) != 0)
      return cnn_error(CNN_STATUS_BAD_FORMAT,
                       "%s: tensor %d is \"%s\" but the model expects \"%s\"", path,
                       first + i, ck->names[first + i], names[i]);
    if (!cnn_tensor_same_shape(src, &dst[i]))
      return cnn_error(CNN_STATUS_BAD_FORMAT,
                       "%s: tensor \"%s\" is %dx%dx%dx%d but the model expects "
                       "%dx%dx%dx%d",
                       path, names[i], src->n, src->c, src->h, src->w, dst[i].n,
                       dst[i].c, dst[i].h, dst[i].w);
    memcpy(dst[i].data, src->data, cnn_tensor_numel(src) * sizeof(float));
  }
  return CNN_STATUS_OK;
}

/* A model or optimizer text that a checkpoint holds and the parser refuses
 * is a bad file, not a bad argument of the caller: same message, the status
 * of a malformed file. */
static cnn_status text_of_file(cnn_status st) {
  return st == CNN_STATUS_INVALID_ARGUMENT ? CNN_STATUS_BAD_FORMAT : st;
}

cnn_status cnn_trainer_resume(cnn_context *ctx, const char *path, cnn_trainer **out) {
  if (!out) return cnn_error(CNN_STATUS_INVALID_ARGUMENT, "resume: out is NULL");
  *out = NULL;
  if (!ctx || !path) return cnn_error(CNN_STATUS_INVALID_ARGUMENT, "resume: a NULL argument");
  cnn_checkpoint ck;
  cnn_status st = cnn_checkpoint_load(path, &ck);
  if (st) return st;
  cnn_train_settings settings;
  cnn_rng rng; /* the weights it draws are overwritten from the file */
  cnn_rng_seed(&rng, 0);
  cnn_trainer *tr = NULL;
  if (!(st = text_of_file(cnn_train_settings_parse(ck.optimizer, &settings))) &&
      !(st = text_of_file(cnn_trainer_build(ctx, ck.model, &settings, &rng, &tr))) &&
      !(st = restore(path, &ck, 0, tr->net->num_params, tr->net->params,
                     tr->net->param_names)) &&
      !(st = restore(path, &ck, tr->net->num_params, cnn_optimizer_num_state(tr->opt),
                     tr->opt->state, tr->opt->state_names))) {
    if (ck.num_tensors != tr->net->num_params + cnn_optimizer_num_state(tr->opt))
      st = cnn_error(CNN_STATUS_BAD_FORMAT, "%s: %d tensors, expected %d", path,
                     ck.num_tensors,
                     tr->net->num_params + cnn_optimizer_num_state(tr->opt));
    memcpy(tr->rng.s, ck.rng, sizeof tr->rng.s);
    tr->epoch = ck.epoch;
    tr->step = ck.step;
  }
  cnn_checkpoint_free(&ck);
  if (st) {
    cnn_trainer_free(tr);
    return st;
  }
  *out = tr;
  return CNN_STATUS_OK;
}

cnn_status cnn_net_load(cnn_context *ctx, const char *path, int max_batch,
                        cnn_net **out) {
  if (!out) return cnn_error(CNN_STATUS_INVALID_ARGUMENT, "load: out is NULL");
  *out = NULL;
  if (!ctx || !path) return cnn_error(CNN_STATUS_INVALID_ARGUMENT, "load: a NULL argument");
  cnn_checkpoint ck;
  cnn_status st = cnn_checkpoint_load(path, &ck);
  if (st) return st;
  cnn_rng rng; /* the weights it draws are overwritten from the file */
  cnn_rng_seed(&rng, 0);
  cnn_net *net = NULL;
  if (!(st = text_of_file(cnn_net_create(ctx, ck.model, max_batch, &rng, &net))))
    st = restore(path, &ck, 0, net->num_params, net->params, net->param_names);
  cnn_checkpoint_free(&ck);
  if (st) {
    cnn_net_free(net);
    return st;
  }
  *out = net;
  return CNN_STATUS_OK;
}
