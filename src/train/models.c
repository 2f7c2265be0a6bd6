/* The built-in models: nothing but named model texts. */
#include <string.h>

#include "cnn/train.h"

struct builtin {
  const char *name, *text;
};

static const struct builtin builtins[] = {
    /* LeCun et al. 1998, with ReLU and max pooling. */
    {"lenet5",
     "conv 6 5x5 pad 2, relu, maxpool 2, conv 16 5x5, relu, maxpool 2, "
     "fc 120, relu, fc 84, relu, fc 10"},
    /* The classic SimpleConvNet. */
    {"simple", "conv 30 5x5, relu, maxpool 2, fc 100, relu, fc 10"},
    /* 784-50-10. */
    {"mlp", "fc 50, relu, fc 10"},
};

#define NUM_BUILTINS (sizeof builtins / sizeof builtins[0])

const char *cnn_model_builtin(const char *name) {
  if (!name) return NULL;
  for (size_t i = 0; i < NUM_BUILTINS; i++)
    if (strcmp(builtins[i].name, name) == 0) return builtins[i].text;
  return NULL;
}

const char *const *cnn_model_builtin_names(void) {
  static const char *names[NUM_BUILTINS + 1];
  for (size_t i = 0; i < NUM_BUILTINS; i++) names[i] = builtins[i].name;
  return names;
}
