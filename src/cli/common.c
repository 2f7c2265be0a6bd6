/* Steps several subcommands share. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

cnn_status cli_context(int threads, cnn_context **ctx) {
  cnn_status st = cnn_context_create(threads, ctx);
  if (st) return st;
  int n = cnn_context_num_threads(*ctx);
  printf("running on %s kernels with %d thread%s\n",
         cnn_isa_name(cnn_context_isa(*ctx)), n, n == 1 ? "" : "s");
  return CNN_STATUS_OK;
}

int cli_first_conv(const cnn_net *net) {
  for (int i = 0; i < cnn_net_num_layers(net); i++)
    if (strcmp(cnn_net_layer_kind(net, i), "conv") == 0) return i;
  return -1;
}
