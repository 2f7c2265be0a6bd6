/* The live progress line of `cnn train` and the clock it reads. */
#ifndef CNN_CLI_PROGRESS_H
#define CNN_CLI_PROGRESS_H

/* Seconds on a monotonic clock. */
double cli_now(void);

struct cli_progress {
  int live;  /* draw on stderr (a terminal); otherwise stay silent */
  unsigned long long epoch, last_epoch;
  double start, last_draw;
};

/* Starts an epoch; live when stderr is a terminal. After a Ctrl-C
 * (cli/interrupt.h), cli_progress_update asks the trainer to stop. */
void cli_progress_start(struct cli_progress *p, unsigned long long epoch,
                        unsigned long long last_epoch);
/* A cnn_progress_fn: "epoch 3/10 [=====>    ] 52%  4100 img/s  ETA 0:07
 * loss 0.0812", redrawn at most ten times a second. */
int cli_progress_update(void *progress, int done, int total, double loss);
/* Erases the line, so the next output starts clean. */
void cli_progress_clear(const struct cli_progress *p);

#endif
