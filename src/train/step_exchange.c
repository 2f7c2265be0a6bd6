/* A training step whose micro-batches are shared among the ranks of a job.
 *
 * Rank r of R runs a contiguous run of whole micro-batches of the step
 * (balance211 over the micro-batch indices), so a micro-batch holds the
 * same images as in one process and produces the same bits: its slots, its
 * loss sum and top-1 count, and the rows of its images in the inputs and
 * output gradients of the CNN_GRAD_BATCH layers. After the micro-batch
 * phase, each of these is gathered from its owner to every rank (an
 * allgather only moves values, it adds none), so every rank then holds
 * exactly the buffers one process would hold after its micro-batch phase,
 * and the combine phase sums them in the same fixed orders (slots by
 * micro-batch index, batch layers by image index within a column): the
 * step's gradients, loss and weights cannot depend on R. An allreduce would
 * move less for large batches, but its order of additions is MPI's and
 * changes with R (docs/SCALING.md weighs the two). */
#include "train/step_exchange.h"

#include "dist/dist.h"
#include "runtime/clock.h"

/* Rank r's share of a step of n images: micro-batches and images. */
static void share(cnn_dist *dist, const cnn_net *net, int n) {
  const int mb = net->plan.micro_batch, micro_batches = (n + mb - 1) / mb;
  const int R = dist->size, base = micro_batches / R, extra = micro_batches % R;
  for (int r = 0; r <= R; r++) {
    dist->micro_batches[r] = r * base + (r < extra ? r : extra);
    const int image = dist->micro_batches[r] * mb;
    dist->images[r] = image < n ? image : n;
  }
}

void cnn_step_rows(cnn_dist *dist, const cnn_net *net, int n, int *from, int *to) {
  if (cnn_dist_size(dist) == 1) {
    *from = 0;
    *to = n;
    return;
  }
  share(dist, net, n);
  *from = dist->images[dist->rank];
  *to = dist->images[dist->rank + 1];
}

/* Gathers what the combine phase reads from every rank's micro-batches. */
static cnn_status exchange(cnn_dist *dist, cnn_net *net) {
  struct cnn_step_plan *plan = &net->plan;
  const int *mbs = dist->micro_batches, *images = dist->images;
  cnn_status st;
  if ((st = cnn_dist_allgather(dist, plan->statuses, CNN_DIST_INT, 1, mbs)) ||
      (st = cnn_dist_allgather(dist, plan->loss_sums, CNN_DIST_DOUBLE, 1, mbs)) ||
      (st = cnn_dist_allgather(dist, plan->corrects, CNN_DIST_INT, 1, mbs)) ||
      (st = cnn_dist_allgather(dist, plan->slot_memory, CNN_DIST_FLOAT, plan->slot_floats,
                               mbs)))
    return st;
  for (int i = plan->lowest_backward; i < net->num_layers; i++) {
    if (plan->combine[i] != CNN_GRAD_BATCH) continue;
    const cnn_tensor *x = &net->acts[i], *dy = &net->deltas[i + 1];
    if ((st = cnn_dist_allgather(dist, x->data, CNN_DIST_FLOAT,
                                 (size_t)x->c * x->h * x->w, images)) ||
        (st = cnn_dist_allgather(dist, dy->data, CNN_DIST_FLOAT,
                                 (size_t)dy->c * dy->h * dy->w, images)))
      return st;
  }
  return CNN_STATUS_OK;
}

size_t cnn_step_exchange_floats(const cnn_net *net, int n) {
  const struct cnn_step_plan *plan = &net->plan;
  const int micro_batches = (n + plan->micro_batch - 1) / plan->micro_batch;
  size_t floats = (size_t)micro_batches * plan->slot_floats;
  for (int i = plan->lowest_backward; i < net->num_layers; i++) {
    if (plan->combine[i] != CNN_GRAD_BATCH) continue;
    const cnn_tensor *x = &net->acts[i], *dy = &net->deltas[i + 1];
    floats += (size_t)n * ((size_t)x->c * x->h * x->w + (size_t)dy->c * dy->h * dy->w);
  }
  return floats;
}

cnn_status cnn_step_train(cnn_net *net, cnn_context *ctx, cnn_dist *dist, int n, float *loss,
                          int *correct) {
  if (cnn_dist_size(dist) == 1) return cnn_net_pass(net, ctx, n, CNN_NET_TRAIN, loss, correct);
  share(dist, net, n);
  cnn_status st = cnn_net_pass_micro_batches(net, ctx, n, CNN_NET_TRAIN,
                                             dist->micro_batches[dist->rank],
                                             dist->micro_batches[dist->rank + 1]);
  /* Only the worker contexts' allocation fails here; the caller's failure
   * path then ends the whole job (cnn_dist_end with abort). */
  if (st) return st;
  cnn_train_profile *profile = net->profile;
  double start = 0;
  if (profile) { /* waiting for the slowest rank is not communication */
    start = cnn_seconds();
    cnn_dist_barrier(dist);
    const double now = cnn_seconds();
    profile->wait_s += now - start;
    start = now;
  }
  if ((st = exchange(dist, net))) return st;
  if (profile) profile->exchange_s += cnn_seconds() - start;
  return cnn_net_pass_combine(net, ctx, n, CNN_NET_TRAIN, loss, correct);
}
