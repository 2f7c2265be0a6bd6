/* SVG line charts. Each panel is laid out as: legend rows on top, then the
 * plot area with a grid at the y ticks, axes with tick labels, and the axis
 * labels; the title sits above all panels. */
#include "cnn/plot.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "io/atomic_file.h"
#include "runtime/error.h"

#define PANEL_WIDTH 480
#define PANEL_HEIGHT 380
#define TITLE_HEIGHT 36
#define MARGIN_LEFT 70
#define MARGIN_RIGHT 20
#define MARGIN_BOTTOM 50
#define LEGEND_ROW 18
#define CHAR_WIDTH 7 /* rough width of a 12px sans-serif character */
#define MAX_MARKED_POINTS 60 /* draw a dot at each point up to this many */

static const char *const series_colours[CNN_PLOT_MAX_SERIES] = {
    "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"};

/* Ticks of an axis: first, first + step, ... up to last; the range covers them. */
typedef struct ticks {
  double first, last, step;
  int decimals;
} ticks;

/* Round steps of 1, 2 or 5 times a power of ten, about count of them. */
static ticks nice_ticks(double lo, double hi, int count, int integers) {
  double raw = (hi - lo) / count, magnitude = pow(10, floor(log10(raw))), norm = raw / magnitude;
  double step = (norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10) * magnitude;
  if (integers && step < 1) step = 1;
  ticks t = {floor(lo / step) * step, ceil(hi / step) * step, step, 0};
  int digits = (int)-floor(log10(step) + 1e-9);
  t.decimals = digits > 0 ? digits : 0;
  return t;
}

static void put_escaped(FILE *fp, const char *text) {
  for (; text && *text; text++) {
    switch (*text) {
    case '&': fputs("&amp;", fp); break;
    case '<': fputs("&lt;", fp); break;
    case '>': fputs("&gt;", fp); break;
    case '"': fputs("&quot;", fp); break;
    default: fputc(*text, fp);
    }
  }
}

static void put_text(FILE *fp, double x, double y, const char *anchor, const char *extra,
                     const char *text) {
  fprintf(fp, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\"%s>", x, y, anchor, extra);
  put_escaped(fp, text);
  fputs("</text>\n", fp);
}

/* The y range of a panel's finite values, padded when flat. */
static void value_range(const cnn_plot_panel *panel, double *lo, double *hi) {
  *lo = INFINITY, *hi = -INFINITY;
  for (int s = 0; s < panel->num_series; s++)
    for (int i = 0; i < panel->series[s].count; i++) {
      double v = panel->series[s].y[i];
      if (isfinite(v)) *lo = fmin(*lo, v), *hi = fmax(*hi, v);
    }
  if (*lo > *hi) *lo = 0, *hi = 1;
  if (*lo == *hi) {
    double pad = *lo != 0 ? fabs(*lo) * 0.1 : 1;
    *lo -= pad, *hi += pad;
  }
}

/* Lays out the legend entries in rows that fit the width; returns the rows. */
static int legend_rows(FILE *fp, const cnn_plot_panel *panel, double left, double top,
                       double width) {
  double x = left;
  int rows = panel->num_series > 0 ? 1 : 0;
  for (int s = 0; s < panel->num_series; s++) {
    const char *name = panel->series[s].name ? panel->series[s].name : "";
    double entry = 28 + CHAR_WIDTH * (double)strlen(name) + 16;
    if (x > left && x + entry > left + width) x = left, rows++;
    if (fp) {
      double y = top + (rows - 1) * LEGEND_ROW;
      fprintf(fp, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
                  "stroke-width=\"2.5\"/>\n", x, y - 4, x + 22, y - 4, series_colours[s]);
      put_text(fp, x + 28, y, "start", "", name);
    }
    x += entry;
  }
  return rows;
}

/* The plot area of a panel and its data ranges. */
typedef struct frame {
  double left, right, top, bottom;
  double x_lo, x_hi, y_lo, y_hi;
} frame;

static double frame_x(const frame *f, double x) {
  return f->left + (x - f->x_lo) / (f->x_hi - f->x_lo) * (f->right - f->left);
}

static double frame_y(const frame *f, double y) {
  return f->bottom - (y - f->y_lo) / (f->y_hi - f->y_lo) * (f->bottom - f->top);
}

static void draw_series(FILE *fp, const cnn_plot_series *series, const char *colour,
                        const frame *f) {
  fprintf(fp, "<path fill=\"none\" stroke=\"%s\" stroke-width=\"2\" d=\"", colour);
  int pen_down = 0;
  for (int i = 0; i < series->count; i++) {
    double v = series->y[i];
    if (!isfinite(v)) {
      pen_down = 0;
      continue;
    }
    fprintf(fp, "%s%.1f %.1f ", pen_down ? "L" : "M", frame_x(f, i + 1), frame_y(f, v));
    pen_down = 1;
  }
  fputs("\"/>\n", fp);
  if (series->count > MAX_MARKED_POINTS) return;
  for (int i = 0; i < series->count; i++)
    if (isfinite(series->y[i]))
      fprintf(fp, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>\n", frame_x(f, i + 1),
              frame_y(f, series->y[i]), colour);
}

static void draw_panel(FILE *fp, const cnn_plot_panel *panel, const char *x_label,
                       double origin_x, int points) {
  frame f = {.left = origin_x + MARGIN_LEFT, .right = origin_x + PANEL_WIDTH - MARGIN_RIGHT,
             .bottom = TITLE_HEIGHT + PANEL_HEIGHT - MARGIN_BOTTOM};
  double legend_top = TITLE_HEIGHT + 16;
  int rows = legend_rows(NULL, panel, f.left, legend_top, f.right - f.left);
  f.top = legend_top + rows * LEGEND_ROW + 6;
  legend_rows(fp, panel, f.left, legend_top, f.right - f.left);

  double lo, hi;
  value_range(panel, &lo, &hi);
  ticks y = nice_ticks(lo, hi, 6, 0);
  ticks x = nice_ticks(1, points > 2 ? points : 2, 10, 1);
  f.y_lo = y.first, f.y_hi = y.last;
  f.x_lo = 1, f.x_hi = points > 2 ? points : 2;

  char label[64];
  for (double t = y.first; t <= y.last + y.step / 2; t += y.step) {
    double py = frame_y(&f, t);
    fprintf(fp, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#e0e0e0\"/>\n",
            f.left, py, f.right, py);
    snprintf(label, sizeof label, "%.*f", y.decimals, fabs(t) < y.step / 2 ? 0.0 : t);
    put_text(fp, f.left - 6, py + 4, "end", "", label);
  }
  for (double t = ceil(1 / x.step) * x.step; t <= f.x_hi + 1e-9; t += x.step) {
    double px = frame_x(&f, t);
    fprintf(fp, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#000\"/>\n", px,
            f.bottom, px, f.bottom + 5);
    snprintf(label, sizeof label, "%.0f", t);
    put_text(fp, px, f.bottom + 18, "middle", "", label);
  }
  fprintf(fp, "<path fill=\"none\" stroke=\"#000\" d=\"M%.1f %.1f L%.1f %.1f L%.1f %.1f\"/>\n",
          f.left, f.top, f.left, f.bottom, f.right, f.bottom);
  put_text(fp, (f.left + f.right) / 2, f.bottom + 38, "middle", "", x_label);
  double label_y = (f.top + f.bottom) / 2;
  snprintf(label, sizeof label, " transform=\"rotate(-90 %.1f %.1f)\"", origin_x + 18, label_y);
  put_text(fp, origin_x + 18, label_y, "middle", label, panel->y_label);

  for (int s = 0; s < panel->num_series; s++)
    draw_series(fp, &panel->series[s], series_colours[s], &f);
}

static cnn_status check_panels(const char *path, const cnn_plot_panel *panels, int num_panels,
                               int *points) {
  if (!path || !panels || num_panels < 1 || num_panels > CNN_PLOT_MAX_PANELS)
    return cnn_error(CNN_STATUS_INVALID_ARGUMENT, "plot: need a path and 1..%d panels, got %d",
                     CNN_PLOT_MAX_PANELS, num_panels);
  *points = 0;
  for (int p = 0; p < num_panels; p++) {
    const cnn_plot_panel *panel = &panels[p];
    if (panel->num_series < 0 || panel->num_series > CNN_PLOT_MAX_SERIES ||
        (panel->num_series > 0 && !panel->series))
      return cnn_error(CNN_STATUS_INVALID_ARGUMENT, "plot %s: panel %d has %d series, expected "
                       "0..%d", path, p, panel->num_series, CNN_PLOT_MAX_SERIES);
    for (int s = 0; s < panel->num_series; s++) {
      const cnn_plot_series *series = &panel->series[s];
      if (series->count < 0 || series->count > CNN_PLOT_MAX_POINTS ||
          (series->count > 0 && !series->y))
        return cnn_error(CNN_STATUS_INVALID_ARGUMENT,
                         "plot %s: series %d of panel %d has %d points, expected 0..%d", path,
                         s, p, series->count, CNN_PLOT_MAX_POINTS);
      if (series->count > *points) *points = series->count;
    }
  }
  return CNN_STATUS_OK;
}

cnn_status cnn_plot_save_svg(const char *path, const char *title, const char *x_label,
                             const cnn_plot_panel *panels, int num_panels) {
  int points = 0;
  cnn_status st = check_panels(path, panels, num_panels, &points);
  if (st != CNN_STATUS_OK) return st;
  cnn_atomic_file file;
  if ((st = cnn_atomic_file_open(&file, path)) != CNN_STATUS_OK) return st;
  FILE *fp = file.fp;
  int width = PANEL_WIDTH * num_panels, height = TITLE_HEIGHT + PANEL_HEIGHT;
  fprintf(fp, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
              "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"%d\" "
              "height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" "
              "font-size=\"12\">\n"
              "<rect width=\"100%%\" height=\"100%%\" fill=\"#fff\"/>\n",
          width, height, width, height);
  put_text(fp, width / 2.0, 24, "middle", " font-size=\"16\" font-weight=\"bold\"", title);
  for (int p = 0; p < num_panels; p++)
    draw_panel(fp, &panels[p], x_label, (double)p * PANEL_WIDTH, points);
  fputs("</svg>\n", fp);
  return cnn_atomic_file_commit(&file);
}
