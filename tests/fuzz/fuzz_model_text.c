/* Fuzzes the two text parsers a checkpoint (or the command line) feeds the
 * library: the model text and the optimizer settings. A model text that
 * parses must print as canonical text that parses again to the same text. */
#include <stdlib.h>
#include <string.h>

#include "cnn/train.h"
#include "fuzz_file.h"
#include "runtime/memory.h"
#include "train/model_text.h"

static void model_round_trip(const char *text) {
  struct cnn_model model;
  if (cnn_model_parse(text, &model) != CNN_STATUS_OK) {
    if (model.layers || model.num_layers) fuzz_fail("a failed parse left layers behind");
    if (!*cnn_last_error()) fuzz_fail("a failed parse left no message");
    return;
  }
  char *canonical = cnn_model_format(&model);
  cnn_model_free(&model);
  if (!canonical) return; /* out of memory */
  struct cnn_model again;
  if (cnn_model_parse(canonical, &again) != CNN_STATUS_OK)
    fuzz_fail("the canonical text of a parsed model does not parse");
  char *twice = cnn_model_format(&again);
  cnn_model_free(&again);
  if (twice && strcmp(canonical, twice) != 0)
    fuzz_fail("canonical text changes when parsed and printed again");
  cnn_free(twice);
  cnn_free(canonical);
}

/* Settings print only the fields their optimizer uses, so the printed text
 * (not the struct) is what must survive a round trip. */
static void settings_round_trip(const char *text) {
  cnn_train_settings settings, again;
  if (cnn_train_settings_parse(text, &settings) != CNN_STATUS_OK) return;
  char printed[512], reprinted[512];
  int n = cnn_train_settings_format(&settings, printed, sizeof printed);
  if (n < 0 || (size_t)n >= sizeof printed) fuzz_fail("settings print too long");
  if (cnn_train_settings_parse(printed, &again) != CNN_STATUS_OK)
    fuzz_fail("printed settings do not parse");
  cnn_train_settings_format(&again, reprinted, sizeof reprinted);
  if (strcmp(printed, reprinted) != 0)
    fuzz_fail("settings change when printed and parsed again");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *text = malloc(size + 1); /* the parsers take NUL-terminated text */
  if (!text) return 0;
  memcpy(text, data, size);
  text[size] = '\0';
  model_round_trip(text);
  settings_round_trip(text);
  free(text);
  return 0;
}
