/* Internal: model text <-> a list of layer specs (the grammar is in
 * include/cnn/train.h). */
#ifndef CNN_TRAIN_MODEL_TEXT_H
#define CNN_TRAIN_MODEL_TEXT_H

#include <stddef.h>

#include "train/layer.h"

struct cnn_model {
  struct cnn_shape input;
  int num_layers;
  struct cnn_layer_spec *layers;
};

/* Parses text (a built-in model's name is not text: resolve it first).
 * Errors are CNN_STATUS_INVALID_ARGUMENT naming the column (and line, when
 * the text has several) and what was expected there. */
cnn_status cnn_model_parse(const char *text, struct cnn_model *model);
void cnn_model_free(struct cnn_model *model);

/* Canonical text of one layer ("conv 16 5x5 pad 2"), snprintf-style. */
int cnn_layer_spec_format(const struct cnn_layer_spec *spec, char *buf, size_t size);
/* Canonical text of the whole model, input included, in memory from
 * cnn_alloc (NULL when out of memory). */
char *cnn_model_format(const struct cnn_model *model);

#define CNN_MODEL_MAX_LAYERS 256

#endif
