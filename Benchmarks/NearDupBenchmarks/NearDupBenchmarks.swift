import Benchmark

/// The entry point the benchmark plugin calls: registers every stage's benchmarks.
///
/// Run them with `swift package benchmark --target NearDupBenchmarks` (see
/// `Benchmarks/README.md`). Names read `Stage/operation/params`.
let benchmarks: @Sendable () -> Void = {
  normalizeBenchmarks()
  shingleBenchmarks()
  fingerprintBenchmarks()
  minHashBenchmarks()
  lshBenchmarks()
  clusterBenchmarks()
  ioBenchmarks()
  pipelineBenchmarks()
}

extension Benchmark.Configuration {
  /// A benchmark on the steady-state sketch path (Normalize, Shingle, Fingerprint,
  /// MinHash, Pipeline), which must not allocate: its buffers are grown in setup.
  ///
  /// Its malloc count is 0 and deterministic, so `mallocCountTotal` is checked with
  /// zero tolerance at every percentile: one allocation in 1,000 calls makes
  /// `benchmark baseline check` fail. Wall clock and throughput carry no thresholds:
  /// they are for information only.
  static func allocationFree(scalingFactor: BenchmarkScalingFactor) -> Self {
    .init(
      metrics: metrics, scalingFactor: scalingFactor,
      thresholds: [
        .mallocCountTotal: .init(absolute: [.p0: 0, .p25: 0, .p50: 0, .p75: 0, .p90: 0, .p99: 0, .p100: 0]),
        .wallClock: .none,
        .throughput: .none,
      ])
  }

  /// A benchmark of a stage that allocates by design (its output arrays, a reader,
  /// a union-find). Array growth makes its malloc count vary by a few percent
  /// between iterations (an array's capacity is what `malloc_usable_size` returns),
  /// so `mallocCountTotal` may exceed the baseline by 5 % at p25–p90: one more
  /// allocation per document, per band or per call still fails.
  static func allocating(scalingFactor: BenchmarkScalingFactor) -> Self {
    .init(
      metrics: metrics, scalingFactor: scalingFactor,
      thresholds: [
        .mallocCountTotal: .init(relative: [.p25: 5, .p50: 5, .p75: 5, .p90: 5]),
        .wallClock: .none,
        .throughput: .none,
      ])
  }

  private static var metrics: [BenchmarkMetric] { [.wallClock, .throughput, .mallocCountTotal] }
}
