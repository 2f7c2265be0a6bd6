/* cnn info: what this build and machine run: CPU features, the ISA chosen
 * and every ISA available with its kernels and tiles, the topology and the
 * GEMM blocking derived from it, and the default thread count. */
#include <stdio.h>

#include "cli/cli.h"
#include "gemm/blocking.h"
#include "kernels/ukernels.h"
#include "runtime/cpu.h"
#include "runtime/topology.h"

#ifdef _OPENMP
#include <omp.h>
#endif

static const struct cli_usage usage = {
    "info", "[options]",
    "Prints the CPU features, the kernel ISA chosen (CNN_ISA forces one) and\n"
    "every ISA this build and CPU run with their kernels and tiles, the\n"
    "topology (physical cores, caches) with the GEMM blocking it gives, and\n"
    "the thread count (--threads, else CNN_NUM_THREADS, else the cores). With\n"
    "--model, also the step plan of that model at --batch (and --micro-batch).",
    0, 0};

static void print_kernels(const struct cnn_kernels *k, int chosen) {
  struct cnn_gemm_blocking blk =
      cnn_gemm_blocking_for((size_t)k->gemm_mr, (size_t)k->gemm_nr, 4096, 4096);
  printf("  %-7s%s gemm %s (tile %dx%d; blocks at 4096^3: MC %zu, KC %zu, NC %zu)\n",
         cnn_isa_name(k->isa), chosen ? "*" : " ", k->gemm_name, k->gemm_mr, k->gemm_nr,
         blk.mc, blk.kc, blk.nc);
  if (k->gemm_short != k->gemm)
    printf("           short %s (tile %dx%d, for few rows)\n", k->gemm_short_name,
           k->gemm_short_mr, k->gemm_nr);
  printf("           conv %s (tile %dx%d), %s (tile %dx%d)\n", k->conv_direct_name,
         k->conv_direct_mr, k->conv_direct_nr, k->conv_direct_k_name, k->conv_direct_k_mr,
         k->conv_direct_k_nr);
  for (int i = 0; i < k->conv_direct_rows_count; i++)
    printf("           conv %s (tile %dx%d)\n", k->conv_direct_rows[i].name,
           k->conv_direct_rows[i].mr, k->conv_direct_rows[i].nv * k->conv_direct_rows_vl);
}

static void print_size(const char *name, size_t bytes) {
  if (bytes >= (1u << 20)) printf(" %s %zu MiB", name, bytes >> 20);
  else if (bytes) printf(" %s %zu KiB", name, bytes >> 10);
  else printf(" %s none", name);
}

/* The plan of a net built for model at batch, or a message why not. */
static int print_plan(cnn_context *ctx, const char *model, int batch, int micro_batch) {
  cnn_train_settings settings = cnn_train_settings_default(CNN_OPTIMIZER_ADAM);
  settings.batch = batch;
  settings.micro_batch = micro_batch;
  cnn_trainer *tr = NULL;
  cnn_status st = cnn_trainer_create(ctx, model, &settings, 1, &tr);
  if (st) return cli_fail("info", "--model", st);
  char plan[8192];
  cnn_net_describe_plan(cnn_trainer_net(tr), plan, sizeof plan);
  printf("model: %s, batch %d\n%s", cnn_net_text(cnn_trainer_net(tr)), batch, plan);
  cnn_trainer_free(tr);
  return CLI_EXIT_OK;
}

int cli_info(int argc, char **argv) {
  int threads = 0, batch = 64, micro_batch = 0;
  const char *model = NULL;
  struct cli_option options[] = {
      CLI_THREADS(&threads),
      CLI_STRING("--model", "MODEL", &model, "lenet5, simple, mlp or a model text"),
      CLI_INT("--batch", "B", &batch, 1, 65536, "images per step (default 64)"),
      CLI_MICRO_BATCH(&micro_batch),
  };
  char **args;
  int num_args;
  int code = cli_parse(&usage, options, (int)(sizeof options / sizeof options[0]), argc,
                       argv, &args, &num_args);
  if (code >= 0) return code;

  char features[256];
  cnn_cpu_describe(features, sizeof features);
  printf("cpu features: %s\n", features);

  cnn_context *ctx = NULL;
  cnn_status st = cnn_context_create(threads, &ctx);
  if (st) return cli_fail("info", threads ? "--threads" : "CNN_ISA/CNN_NUM_THREADS", st);
  cnn_isa chosen = cnn_context_isa(ctx);
  printf("kernels: %s (* chosen)\n", cnn_isa_name(chosen));
  for (int isa = CNN_ISA_COUNT - 1; isa >= 0; isa--) {
    const struct cnn_kernels *k = cnn_kernels_for((cnn_isa)isa);
    if (k) print_kernels(k, (cnn_isa)isa == chosen);
  }

  const struct cnn_topology *topo = cnn_topology();
  printf("topology (%s): %d physical core%s, caches per core:", topo->source,
         topo->physical_cores, topo->physical_cores == 1 ? "" : "s");
  print_size("L1d", topo->l1d);
  print_size("L2", topo->l2);
  print_size("L3", topo->l3);
  printf("\n");
#ifdef _OPENMP
  const char *openmp = "OpenMP";
#else
  const char *openmp = "no OpenMP: one thread runs";
#endif
  printf("threads: %d (%s)\n", cnn_context_num_threads(ctx), openmp);
  if (model) code = print_plan(ctx, model, batch, micro_batch);
  else code = CLI_EXIT_OK;
  cnn_context_free(ctx);
  return code;
}
