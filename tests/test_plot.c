/* SVG training charts: the file is well-formed (every element closed),
 * escapes its texts, draws one path per series with a gap at a NaN, labels
 * its ticks, and bad arguments are refused without creating a file. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cnn/plot.h"
#include "testutil.h"

static const char *dir;

static int count_of(const char *text, const char *what) {
  int n = 0;
  for (const char *p = text; (p = strstr(p, what)); p += strlen(what)) n++;
  return n;
}

/* Every element opened is closed: "<name" tags equal "</" plus "/>". */
static int balanced(const char *svg) {
  int opened = 0;
  for (const char *p = svg; (p = strchr(p, '<')); p++)
    if (p[1] != '/' && p[1] != '?') opened++;
  return opened == count_of(svg, "</") + count_of(svg, "/>");
}

static char *read_text(const char *path) {
  size_t n;
  char *text = (char *)test_read_file(path, &n);
  text[n] = '\0';
  return text;
}

static void test_training_chart(void) {
  double train_acc[10], test_acc[10], loss[10];
  for (int i = 0; i < 10; i++) {
    train_acc[i] = 90 + 9 * (1 - exp(-i / 2.0));
    test_acc[i] = 89 + 9.5 * (1 - exp(-i / 2.0));
    loss[i] = 0.4 * exp(-i / 3.0);
  }
  loss[4] = NAN; /* one bad epoch: a gap in the line */
  cnn_plot_series accuracy[2] = {{"train accuracy", train_acc, 10},
                                 {"test accuracy", test_acc, 10}};
  cnn_plot_series losses[1] = {{"train loss", loss, 10}};
  cnn_plot_panel panels[2] = {{"accuracy (%)", accuracy, 2}, {"loss", losses, 1}};
  const char *path = "chart.svg";
  char full[160];
  snprintf(full, sizeof full, "%s/%s", dir, path);
  CHECK_OK(cnn_plot_save_svg(full, "lenet5 <adam> & MNIST", "epoch", panels, 2));
  char *svg = read_text(full);
  CHECK(!strncmp(svg, "<?xml", 5) && strstr(svg, "<svg xmlns=\"http://www.w3.org/2000/svg\""),
        "SVG prologue");
  size_t length = strlen(svg);
  CHECK(length > 7 && !strcmp(svg + length - 7, "</svg>\n"), "ends with </svg>");
  CHECK(balanced(svg), "unbalanced elements");
  CHECK(strstr(svg, "lenet5 &lt;adam&gt; &amp; MNIST") != NULL, "escaped title");
  CHECK(!strchr(strstr(svg, "lenet5"), '&') || strstr(svg, "&amp;"), "raw ampersand");
  for (const char *text = "train accuracy\0test accuracy\0train loss\0accuracy (%)\0loss\0epoch\0";
       *text; text += strlen(text) + 1)
    CHECK(strstr(svg, text) != NULL, "missing text \"%s\"", text);
  CHECK(count_of(svg, "stroke-width=\"2\" d=") == 3, "%d series paths",
        count_of(svg, "stroke-width=\"2\" d="));
  CHECK(count_of(svg, "<circle") == 29, "%d markers, expected 29 (one NaN)",
        count_of(svg, "<circle"));
  /* The loss path (the second in the first colour) restarts after the NaN: two moves. */
  const char *first_colour = "stroke=\"#1f77b4\" stroke-width=\"2\" d=\"";
  const char *loss_path = strstr(svg, first_colour);
  loss_path = loss_path ? strstr(loss_path + 1, first_colour) : NULL;
  int moves = 0;
  for (const char *p = loss_path; p && *p != '/'; p++) moves += *p == 'M';
  CHECK(moves == 2, "loss path has %d moves, expected 2", moves);
  /* Tick labels: accuracy 88..100 by 2, loss 0..0.4 by 0.05, epochs 1..10. */
  CHECK(strstr(svg, ">100</text>") && strstr(svg, ">88</text>"), "accuracy ticks");
  CHECK(strstr(svg, ">0.40</text>") && strstr(svg, ">0.05</text>") && strstr(svg, ">0.00</text>"),
        "loss ticks");
  CHECK(strstr(svg, ">1</text>") && strstr(svg, ">10</text>"), "epoch ticks");
  CHECK(!strstr(svg, "nan") && !strstr(svg, "inf"), "a non-finite number was printed");
  free(svg);
}

static void test_edge_cases(void) {
  char path[160];
  snprintf(path, sizeof path, "%s/edge.svg", dir);
  double one = 0.5, bad = INFINITY;
  cnn_plot_series single = {"only", &one, 1}, none = {"nothing", NULL, 0},
                  infinite = {"inf", &bad, 1};
  cnn_plot_panel panels[3] = {{"a", &single, 1}, {"b", &none, 1}, {"c", &infinite, 1}};
  CHECK_OK(cnn_plot_save_svg(path, NULL, NULL, panels, 3));
  char *svg = read_text(path);
  CHECK(balanced(svg), "unbalanced elements");
  CHECK(!strstr(svg, "nan") && !strstr(svg, "inf\""), "a non-finite number was printed");
  free(svg);

  CHECK_ERROR(cnn_plot_save_svg(path, "t", "x", panels, 0), CNN_STATUS_INVALID_ARGUMENT,
              "1..4 panels, got 0");
  cnn_plot_series negative = {"n", &one, -1};
  cnn_plot_panel bad_panel = {"y", &negative, 1};
  CHECK_ERROR(cnn_plot_save_svg(path, "t", "x", &bad_panel, 1), CNN_STATUS_INVALID_ARGUMENT,
              "series 0 of panel 0 has -1 points");
  snprintf(path, sizeof path, "%s/no-dir/x.svg", dir);
  CHECK_ERROR(cnn_plot_save_svg(path, "t", "x", panels, 1), CNN_STATUS_IO_ERROR,
              "cannot create");
}

int main(void) {
  dir = test_temp_dir("test_plot");
  test_training_chart();
  test_edge_cases();
  if (getenv("CNN_KEEP_PLOT")) { /* to look at the chart: CNN_KEEP_PLOT=1 test_plot */
    printf("chart kept in %s/chart.svg\n", dir);
    return test_finish("test_plot");
  }
  test_remove_dir(dir);
  return test_finish("test_plot");
}
