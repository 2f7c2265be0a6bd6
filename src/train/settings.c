/* Training settings: defaults, checks, and their text form (the optimizer
 * text of a checkpoint). */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cnn/train.h"
#include "runtime/error.h"

static const char *const optimizer_names[] = {"sgd", "momentum", "adam"};

const char *cnn_optimizer_name(cnn_optimizer_kind kind) {
  return (unsigned)kind < 3 ? optimizer_names[kind] : "unknown";
}

cnn_status cnn_optimizer_parse(const char *name, cnn_optimizer_kind *kind) {
  for (int i = 0; i < 3; i++)
    if (name && strcmp(name, optimizer_names[i]) == 0) {
      *kind = (cnn_optimizer_kind)i;
      return CNN_STATUS_OK;
    }
  return cnn_error(CNN_STATUS_INVALID_ARGUMENT,
                   "optimizer \"%s\": expected sgd, momentum or adam",
                   name ? name : "(null)");
}

cnn_train_settings cnn_train_settings_default(cnn_optimizer_kind kind) {
  cnn_train_settings s = {kind, 0.1f, 1.0f, 0.9f, 0.9f, 0.999f, 1e-8f, 0.0f, 64, 0};
  if (kind == CNN_OPTIMIZER_MOMENTUM) s.lr = 0.01f;
  if (kind == CNN_OPTIMIZER_ADAM) s.lr = 0.001f;
  return s;
}

/* 2^16: far beyond any useful mini-batch. */
#define MAX_BATCH 65536

cnn_status cnn_train_settings_check(const cnn_train_settings *s) {
  if (!s) return cnn_error(CNN_STATUS_INVALID_ARGUMENT, "settings: NULL");
  const char *bad = NULL;
  if ((unsigned)s->optimizer > CNN_OPTIMIZER_ADAM) bad = "optimizer: not sgd, momentum or adam";
  else if (!(s->lr > 0) || !isfinite(s->lr)) bad = "lr: expected a finite value > 0";
  else if (!(s->lr_decay > 0 && s->lr_decay <= 1)) bad = "lr_decay: expected (0, 1]";
  else if (!(s->momentum >= 0 && s->momentum < 1)) bad = "momentum: expected [0, 1)";
  else if (!(s->beta1 >= 0 && s->beta1 < 1)) bad = "beta1: expected [0, 1)";
  else if (!(s->beta2 >= 0 && s->beta2 < 1)) bad = "beta2: expected [0, 1)";
  else if (!(s->eps > 0) || !isfinite(s->eps)) bad = "eps: expected a finite value > 0";
  else if (!(s->weight_decay >= 0) || !isfinite(s->weight_decay))
    bad = "weight_decay: expected a finite value >= 0";
  else if (s->batch < 1 || s->batch > MAX_BATCH) bad = "batch: expected 1..65536";
  else if (s->micro_batch < 0 || s->micro_batch > MAX_BATCH)
    bad = "micro_batch: expected 0 (automatic) or 1..65536";
  if (bad) return cnn_error(CNN_STATUS_INVALID_ARGUMENT, "settings: %s", bad);
  return CNN_STATUS_OK;
}

/* The shortest decimal that strtof reads back as exactly v (%.9g always
 * does; most settings need far fewer digits). */
static const char *exact(float v, char buf[32]) {
  for (int digits = 1; digits <= 9; digits++) {
    snprintf(buf, 32, "%.*g", digits, (double)v);
    if (strtof(buf, NULL) == v) break;
  }
  return buf;
}

int cnn_train_settings_format(const cnn_train_settings *s, char *buf, size_t size) {
  char lr[32], lr_decay[32], weight_decay[32], a[32], b[32], c[32], own[128] = "";
  /* What only this optimizer has, between the shared fields. */
  if (s->optimizer == CNN_OPTIMIZER_MOMENTUM)
    snprintf(own, sizeof own, " momentum=%s", exact(s->momentum, a));
  else if (s->optimizer == CNN_OPTIMIZER_ADAM)
    snprintf(own, sizeof own, " beta1=%s beta2=%s eps=%s", exact(s->beta1, a),
             exact(s->beta2, b), exact(s->eps, c));
  char micro[32] = "";
  if (s->micro_batch) snprintf(micro, sizeof micro, " micro_batch=%d", s->micro_batch);
  return snprintf(buf, size, "%s lr=%s lr_decay=%s%s weight_decay=%s batch=%d%s",
                  cnn_optimizer_name(s->optimizer), exact(s->lr, lr),
                  exact(s->lr_decay, lr_decay), own, exact(s->weight_decay, weight_decay),
                  s->batch, micro);
}

static float *float_field(cnn_train_settings *s, const char *key, size_t len) {
  static const struct {
    const char *key;
    size_t offset;
  } fields[] = {{"lr", offsetof(cnn_train_settings, lr)},
                {"lr_decay", offsetof(cnn_train_settings, lr_decay)},
                {"momentum", offsetof(cnn_train_settings, momentum)},
                {"beta1", offsetof(cnn_train_settings, beta1)},
                {"beta2", offsetof(cnn_train_settings, beta2)},
                {"eps", offsetof(cnn_train_settings, eps)},
                {"weight_decay", offsetof(cnn_train_settings, weight_decay)}};
  for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
    if (strlen(fields[i].key) == len && strncmp(fields[i].key, key, len) == 0)
      return (float *)((char *)s + fields[i].offset);
  return NULL;
}

cnn_status cnn_train_settings_parse(const char *text, cnn_train_settings *out) {
  if (!text || !out) return cnn_error(CNN_STATUS_INVALID_ARGUMENT, "settings: NULL");
  char name[16];
  size_t len = strcspn(text, " ");
  if (len >= sizeof name)
    return cnn_error(CNN_STATUS_BAD_FORMAT, "settings \"%s\": no optimizer name", text);
  memcpy(name, text, len);
  name[len] = '\0';
  cnn_optimizer_kind kind;
  cnn_status st = cnn_optimizer_parse(name, &kind);
  if (st) return st;
  cnn_train_settings s = cnn_train_settings_default(kind);
  for (const char *at = text + len; *at;) {
    while (*at == ' ') at++;
    if (!*at) break;
    size_t key_len = strcspn(at, "= ");
    const char *value = at + key_len;
    if (*value != '=')
      return cnn_error(CNN_STATUS_BAD_FORMAT, "settings \"%s\": expected key=value at "
                       "offset %d", text, (int)(at - text));
    value++;
    char *end;
    float *field = float_field(&s, at, key_len);
    if (field) {
      *field = strtof(value, &end);
    } else if (key_len == 5 && strncmp(at, "batch", 5) == 0) {
      long batch = strtol(value, &end, 10);
      s.batch = batch > 0 && batch <= MAX_BATCH ? (int)batch : 0;
    } else if (key_len == 11 && strncmp(at, "micro_batch", 11) == 0) {
      long micro = strtol(value, &end, 10);
      s.micro_batch = micro >= 0 && micro <= MAX_BATCH ? (int)micro : -1;
    } else {
      return cnn_error(CNN_STATUS_BAD_FORMAT, "settings \"%s\": unknown key \"%.*s\"",
                       text, (int)key_len, at);
    }
    if (end == value || (*end && *end != ' '))
      return cnn_error(CNN_STATUS_BAD_FORMAT, "settings \"%s\": bad value for \"%.*s\"",
                       text, (int)key_len, at);
    at = end;
  }
  if ((st = cnn_train_settings_check(&s))) return st;
  *out = s;
  return CNN_STATUS_OK;
}
