/* Ctrl-C during `cnn train`: the first SIGINT asks training to stop at the
 * end of the current step (the caller then saves its checkpoint); a second
 * one ends the process at once, with status 130. */
#ifndef CNN_CLI_INTERRUPT_H
#define CNN_CLI_INTERRUPT_H

/* Installs the SIGINT handler (again is harmless). */
void cli_interrupt_install(void);

/* SIGTERM counts as a SIGINT too: Open MPI's mpirun turns a Ctrl-C into a
 * SIGTERM to every rank, followed by a SIGKILL one second later
 * (odls_base_sigkill_timeout). */
void cli_interrupt_on_terminate(void);

/* Nonzero once a SIGINT (or a SIGTERM so counted) has arrived. */
int cli_interrupted(void);

#endif
