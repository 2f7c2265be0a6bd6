// GEMM throughput: cnn_sgemm per ISA against OpenBLAS's cblas_sgemm (when
// found), on square sizes and on the GEMM shapes of the convolutions, at 1
// and 2 threads. The FMA peak of one core is measured first (fma_peak.h).
//
// Counters: FLOPS (2*M*N*K per second), x_openblas (OpenBLAS time / cnn
// time on the same shape and thread count, measured earlier in the same
// run: above 1 means cnn is faster) and peak (FLOPS / (threads * the
// one-core FMA peak of the ISA; OpenBLAS against the best ISA's)). Run
// with --benchmark_repetitions=N and read the _median rows. Example:
//   gemm_gbench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "cnn/runtime.h"
#include "fma_peak.h"
#include "gemm/gemm.h"

#if CNN_HAVE_OPENBLAS
#include <cblas.h>
#endif

namespace {

struct Shape {
  size_t m, n, k;
};

const Shape kShapes[] = {
    {64, 64, 64},       {128, 128, 128},   {256, 256, 256},    {512, 512, 512},
    {1024, 1024, 1024}, {2048, 2048, 2048},
    // The convolutions as im2col GEMMs: (filters, output pixels x batch, C*R*S).
    {6, 50176, 25},     {16, 6400, 150},   {64, 50176, 288},   {64, 25088, 576},
    {256, 6272, 2304},
};

using Key = std::tuple<size_t, size_t, size_t, int>;  // m, n, k, threads
std::map<Key, std::vector<double>> openblas_seconds;     // per iteration, per repetition
double peak_flops_per_core[CNN_ISA_COUNT];  // measured in main, per ISA

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0.0 : v[v.size() / 2];
}

struct Operands {
  float *a, *b, *c;
  explicit Operands(const Shape &s) {
    a = static_cast<float *>(std::aligned_alloc(64, (s.m * s.k * 4 + 63) / 64 * 64));
    b = static_cast<float *>(std::aligned_alloc(64, (s.k * s.n * 4 + 63) / 64 * 64));
    c = static_cast<float *>(std::aligned_alloc(64, (s.m * s.n * 4 + 63) / 64 * 64));
    for (size_t i = 0; i < s.m * s.k; i++) a[i] = static_cast<float>(i % 17) * 0.01f;
    for (size_t i = 0; i < s.k * s.n; i++) b[i] = static_cast<float>(i % 13) * 0.01f;
    for (size_t i = 0; i < s.m * s.n; i++) c[i] = 0.0f;
  }
  ~Operands() {
    std::free(a);
    std::free(b);
    std::free(c);
  }
};

double flops(const Shape &s) { return 2.0 * s.m * s.n * s.k; }

template <class F>
double timed_loop(benchmark::State &state, F &&call) {
  auto start = std::chrono::steady_clock::now();
  int64_t iterations = 0;
  for (auto _ : state) {
    call();
    iterations++;
  }
  std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
  return iterations ? elapsed.count() / iterations : 0.0;
}

void cnn_gemm(benchmark::State &state, cnn_isa isa, int threads, Shape s) {
  cnn_context *ctx = nullptr;
  if (cnn_context_create(threads, &ctx) != CNN_STATUS_OK ||
      cnn_context_set_isa(ctx, isa) != CNN_STATUS_OK) {
    state.SkipWithError(cnn_last_error());
    cnn_context_free(ctx);
    return;
  }
  Operands x(s);
  double seconds = timed_loop(state, [&] {
    cnn_sgemm(ctx, 0, 0, s.m, s.n, s.k, 1.0f, x.a, s.k, x.b, s.n, 0.0f, x.c, s.n);
    benchmark::ClobberMemory();
  });
  cnn_context_free(ctx);
  state.counters["FLOPS"] = benchmark::Counter(flops(s), benchmark::Counter::kIsIterationInvariantRate);
  auto blas = openblas_seconds.find(Key{s.m, s.n, s.k, threads});
  if (blas != openblas_seconds.end() && seconds > 0)
    state.counters["x_openblas"] = median(blas->second) / seconds;
  if (peak_flops_per_core[isa] > 0 && seconds > 0)
    state.counters["peak"] = flops(s) / seconds / (threads * peak_flops_per_core[isa]);
}

#if CNN_HAVE_OPENBLAS
void openblas_gemm(benchmark::State &state, int threads, Shape s) {
  openblas_set_num_threads(threads);
  Operands x(s);
  double seconds = timed_loop(state, [&] {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)s.m, (int)s.n, (int)s.k, 1.0f,
                x.a, (int)s.k, x.b, (int)s.n, 0.0f, x.c, (int)s.n);
    benchmark::ClobberMemory();
  });
  openblas_seconds[Key{s.m, s.n, s.k, threads}].push_back(seconds);
  state.counters["FLOPS"] = benchmark::Counter(flops(s), benchmark::Counter::kIsIterationInvariantRate);
  double peak = *std::max_element(peak_flops_per_core, peak_flops_per_core + CNN_ISA_COUNT);
  if (peak > 0 && seconds > 0) state.counters["peak"] = flops(s) / seconds / (threads * peak);
}
#endif

void register_all() {
  const cnn_isa isas[] = {CNN_ISA_AVX512, CNN_ISA_AVX2, CNN_ISA_NEON};
  for (const Shape &s : kShapes)
    for (int threads = 1; threads <= 2; threads++) {
      std::string shape = std::to_string(s.m) + "x" + std::to_string(s.n) + "x" +
                          std::to_string(s.k) + "/threads:" + std::to_string(threads);
#if CNN_HAVE_OPENBLAS
      benchmark::RegisterBenchmark(("openblas/" + shape).c_str(), openblas_gemm, threads, s)
          ->UseRealTime();
#endif
      for (cnn_isa isa : isas)
        if (cnn_isa_supported(isa))
          benchmark::RegisterBenchmark(("cnn_" + std::string(cnn_isa_name(isa)) + "/" + shape).c_str(),
                                       cnn_gemm, isa, threads, s)
              ->UseRealTime();
    }
}

}  // namespace

int main(int argc, char **argv) {
  for (int isa = 0; isa < CNN_ISA_COUNT; isa++)
    if (cnn_isa_supported(static_cast<cnn_isa>(isa))) {
      peak_flops_per_core[isa] = 1e9 * bench_fma_peak(static_cast<cnn_isa>(isa), 1);
      std::printf("FMA peak of one core, %s: %.1f GFLOP/s\n", cnn_isa_name(static_cast<cnn_isa>(isa)),
                  peak_flops_per_core[isa] * 1e-9);
    }
  register_all();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
