/* Training: nets built from model text, initializers, optimizers, the
 * training loop, evaluation and checkpoints.
 *
 * A model is written as text, one layer after another separated by commas:
 *
 *   conv 6 5x5 pad 2, relu, maxpool 2, conv 16 5x5, relu, maxpool 2,
 *   fc 120, relu, fc 84, relu, fc 10
 *
 * Layers (sizes are N or HxW; options may come in any order):
 *   input CxHxW               optional first item, the image shape (default 1x28x28)
 *   conv K RxS [pad P] [stride S] [init I]   K filters of R x S
 *   maxpool W [stride S] [pad P]             window W; stride defaults to W
 *   avgpool W [stride S] [pad P]
 *   fc N [init I]             fully connected, N outputs (flattens its input)
 *   relu | sigmoid | tanh     element-wise activations
 *   flatten                   [C,H,W] -> [C*H*W,1,1]
 * I is "he", "xavier" or "gauss STD". Without init, a layer followed by
 * sigmoid or tanh gets Xavier, any other He; biases start at zero.
 * Softmax with cross-entropy is the implicit loss after the last layer, whose
 * outputs are the class scores. Comments run from '#' to the end of a line.
 *
 * Every function that can fail returns a cnn_status and leaves a message in
 * cnn_last_error(); the library never prints. */
#ifndef CNN_TRAIN_H
#define CNN_TRAIN_H

#include <stdint.h>
#include "cnn/data.h"
#include "cnn/runtime.h"
#include "cnn/status.h"
#include "cnn/tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Random numbers: xoshiro256** with explicit state ------------------ */
typedef struct cnn_rng {
  uint64_t s[4]; /* the whole state; saved in checkpoints */
} cnn_rng;

/* Expands seed into a full state with splitmix64 (any seed, 0 included). */
void cnn_rng_seed(cnn_rng *rng, uint64_t seed);
uint64_t cnn_rng_next(cnn_rng *rng);
/* Uniform in [0, 1) with 53 random bits. */
double cnn_rng_uniform(cnn_rng *rng);
/* Standard normal (Box-Muller; one value per call). */
double cnn_rng_normal(cnn_rng *rng);
/* Uniform integer in [0, bound), bound >= 1, without modulo bias. */
uint64_t cnn_rng_below(cnn_rng *rng, uint64_t bound);

/* ---- Built-in models --------------------------------------------------- */
/* The text of a built-in model ("lenet5", "simple", "mlp"), else NULL. */
const char *cnn_model_builtin(const char *name);
/* The names of the built-in models, NULL-terminated. */
const char *const *cnn_model_builtin_names(void);

/* ---- Nets -------------------------------------------------------------- */
/* A net: its layers, its parameters and gradients (flat lists), and every
 * activation and gradient buffer for batches of up to max_batch images. */
typedef struct cnn_net cnn_net;

/* Builds the net that model_text (or a built-in model's name) describes,
 * with parameters initialized from rng. Every buffer is allocated here, and
 * one forward and backward pass at max_batch brings the context's scratch
 * memory to its working size, so later passes on ctx at up to max_batch
 * images (same thread count) allocate nothing. Errors name the column of a
 * syntax error and what was expected there, or the layers and shapes that do
 * not chain. */
cnn_status cnn_net_create(cnn_context *ctx, const char *model_text, int max_batch,
                          cnn_rng *rng, cnn_net **net);
void cnn_net_free(cnn_net *net);

/* The model in canonical text, the input shape included (what
 * cnn_net_create takes to rebuild the same net). */
const char *cnn_net_text(const cnn_net *net);
int cnn_net_max_batch(const cnn_net *net);
/* Per-image input shape; number of class scores the net outputs. */
void cnn_net_input_shape(const cnn_net *net, int *c, int *h, int *w);
int cnn_net_num_outputs(const cnn_net *net);
size_t cnn_net_num_weights(const cnn_net *net);

/* Layers, in order: the model-text keyword ("conv", "relu", ...), and the
 * per-image output shape. */
int cnn_net_num_layers(const cnn_net *net);
const char *cnn_net_layer_kind(const cnn_net *net, int layer);
void cnn_net_layer_output_shape(const cnn_net *net, int layer, int *c, int *h,
                                int *w);
/* Layer's weight (index 0) or bias (index 1), NULL for a layer without. */
cnn_tensor *cnn_net_layer_param(cnn_net *net, int layer, int index);
/* Layer's output of the last forward pass (batch = that pass's images).
 * A layer whose forward pass runs the ReLU after it (see below) outputs
 * the ReLU's values, as that ReLU does. */
const cnn_tensor *cnn_net_layer_output(const cnn_net *net, int layer);

/* How a layer runs inside its neighbours: a set of CNN_LAYER_FUSED_* bits,
 * 0 for a layer that runs on its own. A ReLU right after a convolution is
 * applied by the convolution's forward pass (FORWARD), and its gradient by
 * the backward pass of a max pooling right after it (BACKWARD; without
 * one, the ReLU's backward pass runs in place). The results are the bits
 * of the layers run apart; the profile counts the time of a fused pass in
 * the layer that runs it. */
enum { CNN_LAYER_FUSED_FORWARD = 1, CNN_LAYER_FUSED_BACKWARD = 2 };
int cnn_net_layer_fused(const cnn_net *net, int layer);

/* The step plan in words, snprintf style (returns the length it needs):
 * the micro-batch size and where it came from, and per layer how it runs
 * (fused into a neighbour, a view, forward only) and how its parameter
 * gradients are summed over a step's images. */
int cnn_net_describe_plan(const cnn_net *net, char *buf, size_t size);

/* The flat parameter list: weights and biases of every layer, in order. */
int cnn_net_num_params(const cnn_net *net);
cnn_tensor *cnn_net_param(cnn_net *net, int index);
const char *cnn_net_param_name(const cnn_net *net, int index); /* "0.conv.weight" */

/* Class probabilities of n images (n <= max_batch, each c*h*w values in
 * [0,1] as the input shape says): probs receives n rows of
 * cnn_net_num_outputs() values. */
cnn_status cnn_net_predict(cnn_net *net, cnn_context *ctx, const float *images,
                           int n, float *probs);

/* ---- Evaluation -------------------------------------------------------- */
typedef struct cnn_evaluation {
  double loss;     /* mean cross-entropy */
  double accuracy; /* fraction in [0,1] */
  int count;       /* images evaluated */
  /* confusion[true][predicted], for the data set's CNN_DATASET_CLASSES classes */
  int confusion[CNN_DATASET_CLASSES][CNN_DATASET_CLASSES];
} cnn_evaluation;

/* Runs every image of ds through net in batches of max_batch. The net must
 * output CNN_DATASET_CLASSES scores for images of ds's size. */
cnn_status cnn_net_evaluate(cnn_net *net, cnn_context *ctx, const cnn_dataset *ds,
                            cnn_evaluation *result);

/* ---- Optimizers -------------------------------------------------------- */
typedef enum cnn_optimizer_kind {
  CNN_OPTIMIZER_SGD,
  CNN_OPTIMIZER_MOMENTUM,
  CNN_OPTIMIZER_ADAM
} cnn_optimizer_kind;

/* Everything that decides how the weights move. Weight decay adds
 * weight_decay * w to the gradient of every weight (never of biases). */
typedef struct cnn_train_settings {
  cnn_optimizer_kind optimizer;
  float lr;           /* > 0, the learning rate of the first epoch */
  float lr_decay;     /* in (0,1]: epoch e (from 0) uses lr * lr_decay^e */
  float momentum;     /* momentum: velocity decay in [0,1) */
  float beta1, beta2; /* adam: moment decays in [0,1) */
  float eps;          /* adam: > 0 */
  float weight_decay; /* >= 0 */
  int batch;          /* images per step, >= 1 */
  /* Images per micro-batch, the unit one thread runs through the whole net
   * (0: about as many as fit in the L2 cache, 16 to 64, evened out over the
   * batch; cnn_net_describe_plan says which); the bits of a run depend
   * on it, never on the thread count. */
  int micro_batch;
} cnn_train_settings;

/* Defaults for kind: lr 0.1 (sgd), 0.01 (momentum, 0.9), 0.001 (adam,
 * 0.9, 0.999, 1e-8); a constant learning rate (lr_decay 1); no weight
 * decay; batch 64; the micro-batch size from the L2 size. */
cnn_train_settings cnn_train_settings_default(cnn_optimizer_kind kind);
/* "sgd", "momentum" or "adam". */
cnn_status cnn_optimizer_parse(const char *name, cnn_optimizer_kind *kind);
const char *cnn_optimizer_name(cnn_optimizer_kind kind);
/* Checks every field; the message names the bad one. */
cnn_status cnn_train_settings_check(const cnn_train_settings *settings);
/* Text such as "adam lr=0.001 lr_decay=0.8 beta1=0.9 beta2=0.999 eps=1e-08
 * weight_decay=0 batch=64 micro_batch=8", each float in the shortest
 * decimal that reads back exactly: the optimizer text of a checkpoint
 * (micro_batch=0, automatic, is left out; text without it parses as 0).
 * Returns the length it needs (like snprintf). */
int cnn_train_settings_format(const cnn_train_settings *settings, char *buf,
                              size_t size);
cnn_status cnn_train_settings_parse(const char *text, cnn_train_settings *settings);

/* ---- Training ---------------------------------------------------------- */
/* A net with its optimizer state, RNG and position (epochs and steps). */
typedef struct cnn_trainer cnn_trainer;

/* A new net from model_text, initialized from seed; the RNG then goes on to
 * shuffle the batches. ctx is borrowed for the trainer's lifetime. */
cnn_status cnn_trainer_create(cnn_context *ctx, const char *model_text,
                              const cnn_train_settings *settings, uint64_t seed,
                              cnn_trainer **trainer);
/* Continues exactly where the checkpoint at path stopped: the same model,
 * settings, weights, optimizer state, RNG state and position. */
cnn_status cnn_trainer_resume(cnn_context *ctx, const char *path,
                              cnn_trainer **trainer);
/* Writes a checkpoint (atomically) that cnn_trainer_resume continues. */
cnn_status cnn_trainer_save(const cnn_trainer *trainer, const char *path);
void cnn_trainer_free(cnn_trainer *trainer);

cnn_net *cnn_trainer_net(cnn_trainer *trainer);
const cnn_train_settings *cnn_trainer_settings(const cnn_trainer *trainer);
uint64_t cnn_trainer_epoch(const cnn_trainer *trainer); /* epochs completed */
uint64_t cnn_trainer_step(const cnn_trainer *trainer);  /* steps taken */

typedef struct cnn_epoch_stats {
  uint64_t epoch;        /* 1-based number of the epoch just trained */
  double loss;           /* mean training loss over the epoch's images */
  double accuracy;       /* training accuracy, in [0,1] */
  int images;
} cnn_epoch_stats;

/* Called after every step with the images done so far in the epoch, the
 * epoch's size and the mean loss so far; a nonzero return stops the epoch
 * with CNN_STATUS_INTERRUPTED (the trainer then stays usable but the epoch
 * does not count). */
typedef int (*cnn_progress_fn)(void *user, int done, int total, double loss);

/* One epoch over train: a fresh shuffle from the trainer's RNG, batches of
 * settings.batch (the last one smaller when the size does not divide), one
 * optimizer step each. Images are scaled from uint8 to [0,1] per batch. A
 * non-finite loss or gradient stops with CNN_STATUS_NUMERIC_ERROR naming the
 * epoch and step, before that step changes any weight. progress may be NULL. */
cnn_status cnn_trainer_train_epoch(cnn_trainer *trainer, const cnn_dataset *train,
                                   cnn_progress_fn progress, void *user,
                                   cnn_epoch_stats *stats);

/* ---- Profiling ---------------------------------------------------------- */
/* Where the time of training steps goes, in seconds, summed over every
 * step trained while the profile is attached: each layer's forward and
 * backward pass (arrays of cnn_net_num_layers() entries; a view layer
 * and the fused passes of cnn_net_layer_fused() stay at 0), loading and
 * scaling the batches, the loss with its gradient, and the optimizer's
 * updates with the check before them that the gradients are finite, and
 * summing the gradients of the micro-batches. With more than one thread,
 * the layers, loss and sums count what the first thread ran (its share of
 * the micro-batches), so each is about 1/threads of the work. The caller
 * owns the memory and zeroes it to start counting. */
typedef struct cnn_train_profile {
  double *forward_s, *backward_s;
  double load_s, loss_s, update_s, combine_s;
  double prepare_s; /* per-pass work on the weights (packing fc weights) */
  /* In a job of several ranks (cnn_trainer_set_dist): waiting for the
   * slowest rank's micro-batches, then the collectives of the exchange. */
  double wait_s, exchange_s;
} cnn_train_profile;

/* Attaches profile to the trainer (NULL detaches it). Timing costs two
 * clock reads per layer and pass. */
void cnn_trainer_set_profile(cnn_trainer *trainer, cnn_train_profile *profile);

/* The net of a checkpoint (its model and weights, not the optimizer
 * state), built for batches of up to max_batch images: for evaluation,
 * prediction and inspection. */
cnn_status cnn_net_load(cnn_context *ctx, const char *path, int max_batch,
                        cnn_net **net);

#ifdef __cplusplus
}
#endif
#endif
