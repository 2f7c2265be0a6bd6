// Google Benchmark harness over the shapes of bench/conv_shapes.csv: one
// benchmark per shape x pass x algorithm (auto, direct, im2col), named with
// the benchdnn-style problem string, reporting GFLOP/s (2*N*K*C*R*S*OH*OW
// per pass). Threads: CNN_NUM_THREADS (else the physical cores); shapes
// file: CNN_BENCH_SHAPES (else the repository's).
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <string>
#include <vector>

extern "C" {
#include "cnn/cnn.h"
#include "conv/conv_algo.h"
}
#include "bench_shapes.h"

#ifndef CNN_BENCH_DEFAULT_SHAPES
#define CNN_BENCH_DEFAULT_SHAPES "bench/conv_shapes.csv"
#endif

namespace {

const char *const kPasses[] = {"fwd", "bwd_data", "bwd_weights"};
const char *const kAlgos[] = {"auto", "direct", "im2col"};

void RunConv(benchmark::State &state, bench_shape b, int pass, const char *algo_name) {
  cnn_context *ctx = nullptr;
  if (cnn_context_create(0, &ctx) != CNN_STATUS_OK) {
    state.SkipWithError(cnn_last_error());
    return;
  }
  const cnn_conv_problem p = {b.n, b.c, b.h, b.w, b.k, b.r, b.s, b.stride, b.stride,
                              b.pad, b.pad, bench_shape_oh(&b), bench_shape_ow(&b)};
  const cnn_conv_algo *algo = nullptr, *chosen = nullptr;
  cnn_conv_algo_parse(algo_name, &algo);
  if (cnn_conv_algo_choose(ctx, algo, &p, static_cast<cnn_conv_pass>(pass), &chosen) !=
      CNN_STATUS_OK) {
    state.SkipWithError(cnn_last_error());
    cnn_context_free(ctx);
    return;
  }
  std::vector<float> x((size_t)p.n * p.c * p.h * p.w, 0.5f), dx(x.size());
  std::vector<float> w((size_t)p.k * p.c * p.r * p.s, 0.25f), dw(w.size());
  std::vector<float> y((size_t)p.n * p.k * p.oh * p.ow, 0.0f), dy(y.size(), 0.125f);
  std::vector<float> bias(p.k, 1.0f), db(p.k);
  for (auto _ : state) {
    cnn_status st;
    if (pass == 0)
      st = chosen->forward(ctx, &p, x.data(), w.data(), bias.data(), 0, y.data());
    else if (pass == 1)
      st = chosen->backward_data(ctx, &p, dy.data(), w.data(), dx.data());
    else
      st = chosen->backward_weights(ctx, &p, x.data(), dy.data(), dw.data(), db.data());
    if (st != CNN_STATUS_OK) {
      state.SkipWithError(cnn_last_error());
      break;
    }
    benchmark::ClobberMemory();
  }
  state.counters["GFLOP/s"] = benchmark::Counter(bench_shape_flops(&b) * 1e-9,
                                                 benchmark::Counter::kIsIterationInvariantRate);
  state.SetLabel(chosen->name);
  cnn_context_free(ctx);
}

}  // namespace

int main(int argc, char **argv) {
  const char *path = std::getenv("CNN_BENCH_SHAPES");
  bench_shape shapes[256];
  const int count = bench_read_shapes(path ? path : CNN_BENCH_DEFAULT_SHAPES, shapes, 256);
  if (count < 0) return 2;
  for (int i = 0; i < count; i++) {
    char repro[160];
    bench_shape_repro(&shapes[i], repro, sizeof repro);
    for (int pass = 0; pass < 3; pass++)
      for (const char *algo : kAlgos) {
        const std::string name = std::string(kPasses[pass]) + "/" + algo + "/" + repro;
        benchmark::RegisterBenchmark(name.c_str(), RunConv, shapes[i], pass, algo)
            ->Unit(benchmark::kMillisecond)
            ->UseRealTime();
      }
  }
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
