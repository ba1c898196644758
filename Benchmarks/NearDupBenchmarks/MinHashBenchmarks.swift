import Benchmark
import NearDupCore

/// MinHash: the signature of k = 128 slots of a 2 KiB document (about 330 word
/// 5-gram fingerprints, unsorted with repeats, as the pipeline passes them).
///
/// - `MinHash/sketch/oph/k=128`: one permutation hashing with optimal
///   densification (the default scheme), O(s + k).
/// - `MinHash/sketch/minhash/k=128`: classic k-permutation MinHash, O(s·k).
func minHashBenchmarks() {
  for scheme in [SketchScheme.oph, .minhash] {
    Benchmark(
      "MinHash/sketch/\(scheme.rawValue)/k=128", configuration: .allocationFree(scalingFactor: .kilo)
    ) { benchmark, state in
      state.signature.withUnsafeMutableBufferPointer { signature in
        for iteration in benchmark.scaledIterations {
          state.fingerprints[iteration % state.fingerprints.count].withUnsafeBufferPointer { fingerprints in
            state.hasher.sketch(fingerprints, into: signature)
          }
        }
      }
      blackHole(state.signature[0])
    } setup: {
      try MinHashState(scheme: scheme, documents: Inputs.documents(byteCount: 2048))
    }
  }
}

/// Fingerprint inputs, the hasher and the reusable signature of the MinHash
/// benchmarks.
final class MinHashState {
  let hasher: MinHasher
  let fingerprints: [[UInt64]]
  var signature: [UInt32]

  init(scheme: SketchScheme, documents: [[UInt8]]) throws {
    hasher = MinHasher(try SketchParameters(permutationCount: 128, scheme: scheme))
    fingerprints = Inputs.fingerprints(of: documents)
    signature = [UInt32](repeating: 0, count: hasher.permutationCount)
  }
}
