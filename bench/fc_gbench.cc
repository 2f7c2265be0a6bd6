// The fc layers' products of one micro-batch, the two ways the fc layer can
// run them (src/train/layer_fc.c), on one thread with the weights packed
// beforehand as a training pass packs them:
//   rows:    out (n x features) = in (n x depth) * op(B), B = the weights
//   columns: out^T (features x n) = A * in^T, A = the weights, then the copy
//            of out^T back into out
// for the fc layers of lenet5 and simple, forward (features = outputs) and
// backward-data (features = inputs), at micro-batches of 13, 16 and 32.
// Counter FLOPS: 2*n*features*depth per second, the copy included. The
// layer's cost model (TRANSPOSE_COST) should pick the faster way. Example:
//   fc_gbench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "cnn/runtime.h"
#include "gemm/gemm.h"

namespace {

struct Product {
  const char *layer;
  size_t features, depth;
};

// Forward: outputs x inputs; backward-data: inputs x outputs.
const Product kProducts[] = {
    {"lenet5_fc1_fwd", 120, 400},  {"lenet5_fc1_bwd", 400, 120},
    {"simple_fc1_fwd", 100, 4320}, {"simple_fc1_bwd", 4320, 100},
};

float *floats(size_t n) {
  float *p = static_cast<float *>(std::aligned_alloc(64, (n * 4 + 63) / 64 * 64));
  for (size_t i = 0; i < n; i++) p[i] = static_cast<float>(i % 11) * 0.01f;
  return p;
}

void product(benchmark::State &state, Product pr, size_t n, bool columns) {
  cnn_context *ctx = nullptr;
  if (cnn_context_create(1, &ctx) != CNN_STATUS_OK) {
    state.SkipWithError(cnn_last_error());
    return;
  }
  const size_t f = pr.features, d = pr.depth;
  float *w = floats(f * d), *in = floats(n * d), *out = floats(n * f), *t = floats(n * f);
  float *packed = floats(columns ? cnn_gemm_packed_a_floats(ctx, f, d)
                                 : cnn_gemm_packed_b_floats(ctx, d, f));
  // w is features x depth here: op(B) = w^T for the rows way, A = w.
  if (columns)
    cnn_gemm_pack_a(ctx, 0, f, d, w, d, 0, 1, packed);
  else
    cnn_gemm_pack_b(ctx, 1, d, f, w, d, 0, 1, packed);
  for (auto _ : state) {
    if (columns) {
      cnn_sgemm_packed(ctx, 0, 1, f, n, d, 1.0f, w, d, packed, in, d, nullptr, 0.0f, t, n);
      for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < f; j++) out[i * f + j] = t[j * n + i];
    } else {
      cnn_sgemm_packed(ctx, 0, 1, n, f, d, 1.0f, in, d, nullptr, w, d, packed, 0.0f, out, f);
    }
    benchmark::ClobberMemory();
  }
  state.counters["FLOPS"] = benchmark::Counter(2.0 * n * f * d,
                                               benchmark::Counter::kIsIterationInvariantRate);
  for (float *p : {w, in, out, t, packed}) std::free(p);
  cnn_context_free(ctx);
}

}  // namespace

int main(int argc, char **argv) {
  for (const Product &pr : kProducts)
    for (size_t n : {13, 16, 32})
      for (bool columns : {false, true})
        benchmark::RegisterBenchmark((std::string(pr.layer) + "/n:" + std::to_string(n) +
                                      (columns ? "/columns" : "/rows"))
                                         .c_str(),
                                     product, pr, n, columns);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
