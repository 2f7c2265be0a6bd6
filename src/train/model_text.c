#include "train/model_text.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/error.h"
#include "runtime/memory.h"

/* Largest number the text may hold: the net rejects absurd layers with their
 * shapes; this only keeps the arithmetic within int. */
#define MAX_NUMBER (1 << 24)

struct parser {
  const char *text;
  const char *at;
};

static void skip_space(struct parser *p) {
  for (;;) {
    while (isspace((unsigned char)*p->at)) p->at++;
    if (*p->at != '#') return;
    while (*p->at && *p->at != '\n') p->at++;
  }
}

static int column_of(const struct parser *p, const char *at) {
  const char *line = at;
  while (line > p->text && line[-1] != '\n') line--;
  return (int)(at - line) + 1;
}

static int line_of(const struct parser *p, const char *at) {
  int line = 1;
  for (const char *c = p->text; c < at; c++) line += *c == '\n';
  return line;
}

/* "column 12" or "line 2, column 5". */
static void position(const struct parser *p, const char *at, char *buf, size_t size) {
  int line = line_of(p, at);
  if (line == 1 && !strchr(p->text, '\n'))
    snprintf(buf, size, "column %d", column_of(p, at));
  else
    snprintf(buf, size, "line %d, column %d", line, column_of(p, at));
}

/* "model text, column 12: expected WHAT, found "word"". */
static cnn_status expected(const struct parser *p, const char *what) {
  char where[48];
  position(p, p->at, where, sizeof where);
  if (!*p->at)
    return cnn_error(CNN_STATUS_INVALID_ARGUMENT,
                     "model text, %s: expected %s, found the end", where, what);
  int len = 0;
  while (p->at[len] && !isspace((unsigned char)p->at[len]) && p->at[len] != ',' &&
         len < 20)
    len++;
  if (len == 0) len = 1;
  return cnn_error(CNN_STATUS_INVALID_ARGUMENT,
                   "model text, %s: expected %s, found \"%.*s\"", where, what, len,
                   p->at);
}

/* A word of letters, digits and '_' starting with a letter; its length. */
static int word_length(const char *at) {
  if (!isalpha((unsigned char)*at)) return 0;
  int len = 1;
  while (isalnum((unsigned char)at[len]) || at[len] == '_') len++;
  return len;
}

static int accept_word(struct parser *p, const char *word) {
  skip_space(p);
  int len = word_length(p->at);
  if (len != (int)strlen(word) || strncmp(p->at, word, (size_t)len) != 0) return 0;
  p->at += len;
  return 1;
}

/* An integer in [min, MAX_NUMBER] at p->at (no space skipping: sizes such
 * as 5x5 are one token). */
static cnn_status integer(struct parser *p, int min, const char *what, int *value) {
  if (!isdigit((unsigned char)*p->at)) return expected(p, what);
  const char *start = p->at;
  long v = 0;
  while (isdigit((unsigned char)*p->at)) {
    if (v <= MAX_NUMBER) v = v * 10 + (*p->at - '0');
    p->at++;
  }
  if (v < min || v > MAX_NUMBER) {
    p->at = start;
    char detail[96];
    snprintf(detail, sizeof detail, "%s in %d..%d", what, min, MAX_NUMBER);
    return expected(p, detail);
  }
  *value = (int)v;
  return CNN_STATUS_OK;
}

/* N or HxW. */
static cnn_status size_pair(struct parser *p, int min, const char *what, int *h,
                            int *w) {
  skip_space(p);
  cnn_status st = integer(p, min, what, h);
  if (st != CNN_STATUS_OK) return st;
  *w = *h;
  if (*p->at == 'x' && isdigit((unsigned char)p->at[1])) {
    p->at++;
    return integer(p, min, what, w);
  }
  if (isalpha((unsigned char)*p->at) || *p->at == '.')
    return expected(p, "a size such as 5 or 5x3");
  return CNN_STATUS_OK;
}

static cnn_status init_option(struct parser *p, struct cnn_layer_spec *spec) {
  if (accept_word(p, "he")) {
    spec->init = CNN_INIT_HE;
  } else if (accept_word(p, "xavier")) {
    spec->init = CNN_INIT_XAVIER;
  } else if (accept_word(p, "gauss")) {
    skip_space(p);
    char *end;
    double std = strtod(p->at, &end);
    if (end == p->at || !isfinite(std) || std <= 0 || std > 1e3 ||
        (*end && !isspace((unsigned char)*end) && *end != ',' && *end != '#'))
      return expected(p, "a standard deviation in (0, 1000] after gauss");
    p->at = end;
    spec->init = CNN_INIT_GAUSS;
    spec->init_std = (float)std;
  } else {
    skip_space(p);
    return expected(p, "an initializer (he, xavier, gauss STD)");
  }
  return CNN_STATUS_OK;
}

/* The options after a layer's sizes, in any order, each at most once. */
static cnn_status options(struct parser *p, struct cnn_layer_spec *spec) {
  unsigned takes = spec->ops->takes, seen = 0;
  for (;;) {
    skip_space(p);
    const char *word = p->at;
    cnn_status st = CNN_STATUS_OK;
    unsigned option;
    if ((takes & CNN_LAYER_TAKES_PAD) && accept_word(p, "pad")) {
      option = CNN_LAYER_TAKES_PAD;
      st = size_pair(p, 0, "a padding", &spec->pad_h, &spec->pad_w);
    } else if ((takes & CNN_LAYER_TAKES_STRIDE) && accept_word(p, "stride")) {
      option = CNN_LAYER_TAKES_STRIDE;
      st = size_pair(p, 1, "a stride", &spec->stride_h, &spec->stride_w);
    } else if ((takes & CNN_LAYER_TAKES_INIT) && accept_word(p, "init")) {
      option = CNN_LAYER_TAKES_INIT;
      st = init_option(p, spec);
    } else {
      return CNN_STATUS_OK;
    }
    if (st != CNN_STATUS_OK) return st;
    if (seen & option) {
      p->at = word;
      return expected(p, "each option once");
    }
    seen |= option;
  }
}

/* "conv, maxpool, ..." into buf. Built on every call: a list cached in a
 * static buffer would be a data race between threads parsing at once. */
static void layer_keywords(char *buf, size_t size) {
  size_t at = 0;
  buf[0] = '\0';
  for (int i = 0; cnn_layer_kinds[i] && at < size; i++) {
    int n = snprintf(buf + at, size - at, "%s%s", i ? ", " : "", cnn_layer_kinds[i]->keyword);
    if (n < 0) break;
    at += (size_t)n;
  }
}

static cnn_status layer(struct parser *p, struct cnn_layer_spec *spec) {
  skip_space(p);
  memset(spec, 0, sizeof *spec);
  spec->column = column_of(p, p->at);
  for (int i = 0; cnn_layer_kinds[i] && !spec->ops; i++)
    if (accept_word(p, cnn_layer_kinds[i]->keyword)) spec->ops = cnn_layer_kinds[i];
  if (!spec->ops) {
    char keywords[160], what[200];
    layer_keywords(keywords, sizeof keywords);
    snprintf(what, sizeof what, "a layer (%s)", keywords);
    return expected(p, what);
  }
  unsigned takes = spec->ops->takes;
  cnn_status st;
  if (takes & CNN_LAYER_TAKES_COUNT) {
    skip_space(p);
    const char *what =
        spec->ops == &cnn_conv_layer_ops ? "the number of filters" : "the number of outputs";
    if ((st = integer(p, 1, what, &spec->count)) != CNN_STATUS_OK) return st;
    if (*p->at == 'x') return expected(p, "a single count, not a size");
  }
  if (takes & CNN_LAYER_TAKES_SIZE) {
    const char *what = spec->ops == &cnn_conv_layer_ops ? "a kernel size such as 5x5"
                                                        : "a window size such as 2";
    if ((st = size_pair(p, 1, what, &spec->size_h, &spec->size_w)) != CNN_STATUS_OK)
      return st;
  }
  return options(p, spec);
}

/* input CxHxW */
static cnn_status input_shape(struct parser *p, struct cnn_shape *shape) {
  skip_space(p);
  cnn_status st = integer(p, 1, "an input shape such as 1x28x28", &shape->c);
  if (st != CNN_STATUS_OK) return st;
  if (*p->at != 'x') return expected(p, "an input shape such as 1x28x28");
  p->at++;
  if ((st = integer(p, 1, "an input shape such as 1x28x28", &shape->h)) != CNN_STATUS_OK)
    return st;
  if (*p->at != 'x') return expected(p, "an input shape such as 1x28x28");
  p->at++;
  return integer(p, 1, "an input shape such as 1x28x28", &shape->w);
}

cnn_status cnn_model_parse(const char *text, struct cnn_model *model) {
  if (!model) return cnn_error(CNN_STATUS_INVALID_ARGUMENT, "model: model is NULL");
  memset(model, 0, sizeof *model);
  if (!text) return cnn_error(CNN_STATUS_INVALID_ARGUMENT, "model: text is NULL");
  struct parser p = {text, text};
  struct cnn_layer_spec *layers =
      cnn_alloc_zeroed(CNN_MODEL_MAX_LAYERS, sizeof *layers, "model layers");
  if (!layers) return CNN_STATUS_OUT_OF_MEMORY;
  struct cnn_shape input = {1, 28, 28};
  cnn_status st = CNN_STATUS_OK;
  int n = 0;
  if (accept_word(&p, "input")) {
    if ((st = input_shape(&p, &input)) == CNN_STATUS_OK) {
      skip_space(&p);
      if (*p.at == ',')
        p.at++;
      else
        st = expected(&p, "',' after the input shape");
    }
  }
  while (st == CNN_STATUS_OK) {
    if (n == CNN_MODEL_MAX_LAYERS) {
      st = expected(&p, "at most 256 layers");
      break;
    }
    if ((st = layer(&p, &layers[n])) != CNN_STATUS_OK) break;
    n++;
    skip_space(&p);
    if (!*p.at) break;
    if (*p.at != ',') {
      unsigned opts = CNN_LAYER_TAKES_PAD | CNN_LAYER_TAKES_STRIDE | CNN_LAYER_TAKES_INIT;
      st = expected(&p, layers[n - 1].ops->takes & opts
                            ? "',' between layers, an option of the layer, or the end"
                            : "',' between layers or the end");
      break;
    }
    p.at++;
  }
  if (st != CNN_STATUS_OK) {
    cnn_free(layers);
    return st;
  }
  model->input = input;
  model->num_layers = n;
  model->layers = layers;
  return CNN_STATUS_OK;
}

void cnn_model_free(struct cnn_model *model) {
  if (!model) return;
  cnn_free(model->layers);
  memset(model, 0, sizeof *model);
}

/* Appends " WORD N" or " WORD HxW" (WORD may be empty). */
static int format_size(char *buf, size_t size, const char *word, int h, int w) {
  const char *space = *word ? " " : "";
  if (h == w) return snprintf(buf, size, " %s%s%d", word, space, h);
  return snprintf(buf, size, " %s%s%dx%d", word, space, h, w);
}

int cnn_layer_spec_format(const struct cnn_layer_spec *spec, char *buf, size_t size) {
  char tmp[160];
  unsigned takes = spec->ops->takes;
  int n = snprintf(tmp, sizeof tmp, "%s", spec->ops->keyword);
  if (takes & CNN_LAYER_TAKES_COUNT)
    n += snprintf(tmp + n, sizeof tmp - (size_t)n, " %d", spec->count);
  if (takes & CNN_LAYER_TAKES_SIZE) {
    if (spec->ops == &cnn_conv_layer_ops)  /* kernels always as RxS */
      n += snprintf(tmp + n, sizeof tmp - (size_t)n, " %dx%d", spec->size_h,
                    spec->size_w);
    else
      n += format_size(tmp + n, sizeof tmp - (size_t)n, "", spec->size_h,
                       spec->size_w);
  }
  if (spec->pad_h || spec->pad_w)
    n += format_size(tmp + n, sizeof tmp - (size_t)n, "pad", spec->pad_h, spec->pad_w);
  if (spec->stride_h || spec->stride_w)
    n += format_size(tmp + n, sizeof tmp - (size_t)n, "stride", spec->stride_h,
                     spec->stride_w);
  if (spec->init == CNN_INIT_HE)
    n += snprintf(tmp + n, sizeof tmp - (size_t)n, " init he");
  else if (spec->init == CNN_INIT_XAVIER)
    n += snprintf(tmp + n, sizeof tmp - (size_t)n, " init xavier");
  else if (spec->init == CNN_INIT_GAUSS)
    n += snprintf(tmp + n, sizeof tmp - (size_t)n, " init gauss %.9g",
                  (double)spec->init_std);
  return snprintf(buf, size, "%s", tmp);
}

char *cnn_model_format(const struct cnn_model *model) {
  size_t size = 32;
  for (int i = 0; i < model->num_layers; i++)
    size += (size_t)cnn_layer_spec_format(&model->layers[i], NULL, 0) + 2;
  char *text = cnn_alloc(size, 1, "model text");
  if (!text) return NULL;
  size_t len = (size_t)snprintf(text, size, "input %dx%dx%d", model->input.c,
                                model->input.h, model->input.w);
  for (int i = 0; i < model->num_layers; i++) {
    len += (size_t)snprintf(text + len, size - len, ", ");
    len += (size_t)cnn_layer_spec_format(&model->layers[i], text + len, size - len);
  }
  return text;
}
