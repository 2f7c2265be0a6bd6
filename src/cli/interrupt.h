/* Ctrl-C during `cnn train`: the first SIGINT asks training to stop at the
 * end of the current step (the caller then saves its checkpoint); a second
 * one ends the process at once, with status 130. */
#ifndef CNN_CLI_INTERRUPT_H
#define CNN_CLI_INTERRUPT_H

/* Installs the SIGINT handler (again is harmless). */
void cli_interrupt_install(void);

/* Nonzero once a SIGINT has arrived. */
int cli_interrupted(void);

#endif
