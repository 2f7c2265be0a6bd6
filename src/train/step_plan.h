/* Internal: the plan of a step, built once per net. A step's images are cut
 * into micro-batches of a fixed size, and one thread runs each micro-batch
 * through every layer, forward and backward, so that its activations stay
 * in that core's L2. The plan says how big a micro-batch is, which layers
 * run inside their neighbours, and how every parameter gradient is combined
 * over the micro-batches so that its bits never depend on the thread count.
 * It is data, which cnn_step_plan_describe puts into words. */
#ifndef CNN_TRAIN_STEP_PLAN_H
#define CNN_TRAIN_STEP_PLAN_H

#include <stddef.h>

#include "cnn/status.h"
#include "cnn/tensor.h"

struct cnn_net;

/* How a layer's parameter gradients are summed over a step's images. */
typedef enum cnn_grad_combine {
  CNN_GRAD_NONE,  /* the layer has no parameters */
  /* Each micro-batch's backward pass writes its own copy (a slot); the
   * step's gradient is slot 0 + slot 1 + ... in micro-batch order. For
   * layers whose gradients are small beside their activations (conv). */
  CNN_GRAD_SLOTS,
  /* The micro-batch passes only keep the layer's input and output
   * gradient; once all have run, the layer computes its parameter
   * gradients over the whole batch at once, its output features split
   * across threads (layer ops backward_params). For layers whose
   * gradients are large beside their activations (fc). */
  CNN_GRAD_BATCH
} cnn_grad_combine;

struct cnn_step_plan {
  int micro_batch;       /* images per micro-batch */
  int auto_micro_batch;  /* nonzero: micro_batch came from the L2 size */
  size_t l2_bytes;       /* the L2 size it came from (0: unknown) */
  size_t image_bytes;    /* the buffers one image of a micro-batch touches */
  int max_micro_batches; /* of a step of max_batch images */
  int lowest_backward;   /* the lowest layer whose backward pass must run */
  cnn_grad_combine *combine; /* per layer */
  /* Slots: max_micro_batches sets of num_params tensors, by micro-batch
   * index; a parameter not combined by slots has an empty tensor there. */
  float *slot_memory;
  cnn_tensor *slots;
  size_t slot_floats; /* one micro-batch's slots, contiguous in slot_memory */
  /* Each micro-batch's summed loss, top-1 hits and status, by index. */
  double *loss_sums;
  int *corrects;
  cnn_status *statuses;
};

/* The micro-batch size for a net when none is asked for (see
 * step_plan.c for why): about the images whose buffers fit in the L2,
 * 16 to 64, evened out so that the batch cuts into a multiple of 4
 * near-equal micro-batches. */
int cnn_step_plan_auto_micro_batch(size_t image_bytes, size_t l2_bytes, int max_batch);

/* Plans the fusion of the net's layers (sets their relu_after, relu_grad
 * and fused fields); called before the buffers are laid out. */
void cnn_step_plan_fusion(struct cnn_net *net);

/* Builds net->plan for micro-batches of micro_batch images (0: automatic),
 * after the net's buffers and parameters exist. */
cnn_status cnn_step_plan_build(struct cnn_net *net, int micro_batch);
void cnn_step_plan_free(struct cnn_step_plan *plan);

/* The plan as lines of text, snprintf style: returns the length it needs. */
int cnn_step_plan_describe(const struct cnn_net *net, char *buf, size_t size);

#endif
