#include "cli/interrupt.h"

#include <signal.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t interrupts;

/* Only async-signal-safe calls here: write and _exit. */
static void on_interrupt(int sig) {
  (void)sig;
  static const char first[] =
      "\ncnn train: stopping after this step (Ctrl-C again to quit at once)\n";
  static const char second[] = "\ncnn train: quitting at once\n";
  if (interrupts++ == 0) {
    ssize_t ignored = write(STDERR_FILENO, first, sizeof first - 1);
    (void)ignored;
    return;
  }
  ssize_t ignored = write(STDERR_FILENO, second, sizeof second - 1);
  (void)ignored;
  _exit(130);
}

void cli_interrupt_install(void) {
  struct sigaction action;
  memset(&action, 0, sizeof action);
  action.sa_handler = on_interrupt;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART; /* a read or write in progress goes on */
  sigaction(SIGINT, &action, NULL);
}

void cli_interrupt_on_terminate(void) {
  struct sigaction action;
  memset(&action, 0, sizeof action);
  action.sa_handler = on_interrupt;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  sigaction(SIGTERM, &action, NULL);
}

int cli_interrupted(void) { return interrupts != 0; }
