/* Internal: optimizer state over a net's flat parameter list. */
#ifndef CNN_TRAIN_OPTIMIZER_H
#define CNN_TRAIN_OPTIMIZER_H

#include "train/net.h"

struct cnn_optimizer {
  cnn_train_settings settings;
  int num_params;
  /* Per parameter tensor: sgd none, momentum the velocity, adam the first
   * then the second moment; slot s of parameter k is state[s*num_params+k]. */
  int num_slots;
  cnn_tensor *state;
  char **state_names; /* "<parameter name>.<slot>" */
};

/* Zero state for net's parameters; settings must pass the check. */
cnn_status cnn_optimizer_create(const cnn_train_settings *settings,
                                const cnn_net *net, struct cnn_optimizer **opt);
void cnn_optimizer_free(struct cnn_optimizer *opt);
int cnn_optimizer_num_state(const struct cnn_optimizer *opt);

/* Moves net's parameters along their gradients at learning rate lr; step
 * is the 1-based number of this update (Adam's bias correction). Adam runs
 * on ctx's kernel, one vectorized pass per parameter tensor. */
void cnn_optimizer_step(struct cnn_optimizer *opt, cnn_net *net, cnn_context *ctx,
                        float lr, uint64_t step);

#endif
