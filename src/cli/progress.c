#include "cli/progress.h"

#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "cli/interrupt.h"

double cli_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

void cli_progress_start(struct cli_progress *p, unsigned long long epoch,
                        unsigned long long last_epoch) {
  p->live = isatty(STDERR_FILENO);
  p->epoch = epoch;
  p->last_epoch = last_epoch;
  p->start = cli_now();
  p->last_draw = 0;
}

int cli_progress_update(void *user, int done, int total, double loss) {
  struct cli_progress *p = user;
  if (!p->live) return cli_interrupted();
  double now = cli_now(), elapsed = now - p->start;
  if (done < total && now - p->last_draw < 0.1) return cli_interrupted();
  p->last_draw = now;
  enum { WIDTH = 24 };
  char bar[WIDTH + 1];
  int filled = (int)((long long)done * WIDTH / total);
  for (int i = 0; i < WIDTH; i++) bar[i] = i < filled ? '=' : i == filled ? '>' : ' ';
  bar[WIDTH] = '\0';
  double rate = elapsed > 0 ? done / elapsed : 0;
  int eta = rate > 0 ? (int)((total - done) / rate + 0.5) : 0;
  fprintf(stderr, "\r\033[Kepoch %llu/%llu [%s] %3d%%  %6.0f img/s  ETA %d:%02d  loss %.4f",
          p->epoch, p->last_epoch, bar, (int)((long long)done * 100 / total), rate,
          eta / 60, eta % 60, loss);
  fflush(stderr);
  return cli_interrupted();
}

void cli_progress_clear(const struct cli_progress *p) {
  if (p->live) fprintf(stderr, "\r\033[K");
}
