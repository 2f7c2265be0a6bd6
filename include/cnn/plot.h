/* Line charts as SVG files, for training curves: one or more panels side
 * by side (say accuracy and loss, whose scales differ), each with its own
 * y axis, ticks, grid and legend, and a shared x axis of epochs 1..N. The
 * files are plain SVG 1.1 that any browser shows, written atomically. */
#ifndef CNN_PLOT_H
#define CNN_PLOT_H

#include "cnn/status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define CNN_PLOT_MAX_PANELS 4
#define CNN_PLOT_MAX_SERIES 8    /* per panel */
#define CNN_PLOT_MAX_POINTS 100000

typedef struct cnn_plot_series {
  const char *name; /* legend text, such as "test accuracy" */
  const double *y;  /* count values, y[i] at x = i + 1; a NaN or infinity leaves a gap */
  int count;
} cnn_plot_series;

typedef struct cnn_plot_panel {
  const char *y_label; /* such as "accuracy (%)" */
  const cnn_plot_series *series;
  int num_series;
} cnn_plot_panel;

/* Writes the chart to path. x_label names the x axis of every panel
 * ("epoch"). Texts are escaped; a panel without any finite value gets an
 * empty plot with a 0..1 axis. Numbers are printed with the C locale's
 * conventions, so the program must not change LC_NUMERIC. */
cnn_status cnn_plot_save_svg(const char *path, const char *title, const char *x_label,
                             const cnn_plot_panel *panels, int num_panels);

#ifdef __cplusplus
}
#endif
#endif
