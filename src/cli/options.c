/* Command-line options: one table per subcommand drives both parsing and
 * the --help text. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

int cli_usage_error(const char *command, const char *fmt, ...) {
  fprintf(stderr, "cnn %s: ", command);
  va_list ap;
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fprintf(stderr, "\n(see cnn %s --help)\n", command);
  return CLI_EXIT_USAGE;
}

int cli_fail(const char *command, const char *what, cnn_status status) {
  fprintf(stderr, "cnn %s: %s: %s\n", command, what, cnn_last_error());
  return status == CNN_STATUS_INVALID_ARGUMENT ? CLI_EXIT_USAGE : CLI_EXIT_FAILURE;
}

static void print_help(const struct cli_usage *usage, const struct cli_option *options,
                       int num_options) {
  printf("usage: cnn %s %s\n\n%s\n", usage->command, usage->synopsis,
         usage->description);
  if (num_options) printf("\noptions:\n");
  for (int i = 0; i < num_options; i++) {
    const struct cli_option *o = &options[i];
    char left[64];
    snprintf(left, sizeof left, "%s%s%s%s%s", o->alias ? o->alias : "",
             o->alias ? ", " : "", o->name, o->metavar ? " " : "",
             o->metavar ? o->metavar : "");
    printf("  %-24s %s\n", left, o->help);
  }
  printf("  %-24s %s\n", "-h, --help", "show this help");
}

/* "a number in 1..1000", "a number > 0" */
static void describe_range(const struct cli_option *o, char *buf, size_t size) {
  const char *kind = o->type == CLI_OPT_FLOAT ? "a number" : "an integer";
  if (o->type == CLI_OPT_FLOAT && o->min_open && isinf(o->max))
    snprintf(buf, size, "%s > %g", kind, o->min);
  else if (o->type == CLI_OPT_FLOAT && isinf(o->max))
    snprintf(buf, size, "%s >= %g", kind, o->min);
  else
    snprintf(buf, size, "%s in %s%g..%g%s", kind, o->min_open ? "(" : "", o->min, o->max,
             o->min_open ? "]" : "");
}

static int set_value(const struct cli_usage *usage, struct cli_option *o,
                     const char *text) {
  char *end;
  errno = 0;
  switch (o->type) {
    case CLI_OPT_STRING:
      *(const char **)o->value = text;
      return 0;
    case CLI_OPT_FLAG:
      *(int *)o->value = 1;
      return 0;
    case CLI_OPT_FLOAT: {
      double v = strtod(text, &end);
      int ok = end != text && !*end && errno == 0 && isfinite(v) &&
               (o->min_open ? v > o->min : v >= o->min) && v <= o->max;
      if (ok) {
        *(float *)o->value = (float)v;
        return 0;
      }
      break;
    }
    default: {
      /* strtoull accepts "-1"; integers here are never negative. */
      unsigned long long v = strtoull(text, &end, 10);
      int ok = end != text && !*end && errno == 0 && text[0] != '-' && text[0] != '+' &&
               (double)v >= o->min && (double)v <= o->max;
      if (ok) {
        if (o->type == CLI_OPT_INT)
          *(int *)o->value = (int)v;
        else
          *(uint64_t *)o->value = v;
        return 0;
      }
    }
  }
  char range[96];
  describe_range(o, range, sizeof range);
  return cli_usage_error(usage->command, "%s \"%s\": expected %s", o->name, text, range);
}

int cli_parse(const struct cli_usage *usage, struct cli_option *options,
              int num_options, int argc, char **argv, char ***args, int *num_args) {
  int n = 0;
  for (int i = 1; i < argc; i++) {
    const char *arg = argv[i];
    if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
      print_help(usage, options, num_options);
      return CLI_EXIT_OK;
    }
    if (strcmp(arg, "--") == 0) {
      while (++i < argc) argv[1 + n++] = argv[i];
      break;
    }
    if (arg[0] != '-' || arg[1] == '\0') {
      argv[1 + n++] = argv[i]; /* positional, compacted in place */
      continue;
    }
    /* --name=value or --name value */
    const char *eq = strchr(arg, '=');
    size_t len = eq ? (size_t)(eq - arg) : strlen(arg);
    struct cli_option *o = NULL;
    for (int k = 0; k < num_options && !o; k++)
      if ((strlen(options[k].name) == len && strncmp(options[k].name, arg, len) == 0) ||
          (options[k].alias && strlen(options[k].alias) == len &&
           strncmp(options[k].alias, arg, len) == 0))
        o = &options[k];
    if (!o) return cli_usage_error(usage->command, "unknown option %.*s", (int)len, arg);
    if (o->given) return cli_usage_error(usage->command, "%s given twice", o->name);
    o->given = 1;
    const char *value = eq ? eq + 1 : NULL;
    if (o->type == CLI_OPT_FLAG) {
      if (value) return cli_usage_error(usage->command, "%s takes no value", o->name);
    } else if (!value) {
      if (i + 1 >= argc)
        return cli_usage_error(usage->command, "%s needs a value (%s)", o->name,
                               o->metavar);
      value = argv[++i];
    }
    int code = set_value(usage, o, value);
    if (code) return code;
  }
  if (n < usage->min_args || (usage->max_args >= 0 && n > usage->max_args))
    return cli_usage_error(usage->command, "expected %s, got %d argument%s",
                           usage->synopsis, n, n == 1 ? "" : "s");
  *args = argv + 1;
  *num_args = n;
  return -1;
}

int cli_option_given(const struct cli_option *options, int num_options,
                     const char *name) {
  for (int i = 0; i < num_options; i++)
    if (strcmp(options[i].name, name) == 0) return options[i].given;
  return 0;
}
