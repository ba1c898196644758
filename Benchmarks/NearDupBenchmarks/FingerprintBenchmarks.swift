import Benchmark
import NearDupCore

/// Fingerprint: the exact sets that verification compares, as 32-bit digests.
///
/// - `Fingerprint/sortDigests/400`: sorts and deduplicates the digests of 400 word
///   shingles of a document, in shingle order with their repeats
///   (`FingerprintSet.sortUniformAndRemoveDuplicates`: bucket pass plus insertion
///   sort). Each call first refills the work array from the input (a 1.6 KB copy).
/// - `Fingerprint/intersection/400`: |A ∩ B| of two sorted sets of 400 digests that
///   share 320 (Jaccard 0.67, a near-duplicate pair), by one branch-free merge
///   (`FingerprintSet.intersectionCount`).
func fingerprintBenchmarks() {
  Benchmark(
    "Fingerprint/sortDigests/400", configuration: .allocationFree(scalingFactor: .kilo)
  ) { benchmark, state in
    for iteration in benchmark.scaledIterations {
      state.work.removeAll(keepingCapacity: true)
      state.work.append(contentsOf: state.unsorted[iteration % state.unsorted.count])
      FingerprintSet.sortUniformAndRemoveDuplicates(&state.work, scratch: &state.scratch)
    }
    blackHole(state.work.count)
  } setup: {
    FingerprintState(setSize: 400)
  }

  Benchmark(
    "Fingerprint/intersection/400", configuration: .allocationFree(scalingFactor: .kilo)
  ) { benchmark, state in
    var total = 0
    for iteration in benchmark.scaledIterations {
      let pair = iteration % state.sets.count
      total &+= state.sets[pair].withUnsafeBufferPointer { a in
        state.nearDuplicates[pair].withUnsafeBufferPointer { b in FingerprintSet.intersectionCount(a, b) }
      }
    }
    blackHole(total)
  } setup: {
    FingerprintState(setSize: 400)
  }
}

/// Digest inputs of the Fingerprint benchmarks.
final class FingerprintState {
  /// The first `setSize` shingle digests of each document, unsorted, with repeats.
  let unsorted: [[UInt32]]
  /// `setSize` distinct digests of each document, sorted.
  let sets: [[UInt32]]
  /// Each set with every fifth digest replaced by one of another document, sorted.
  let nearDuplicates: [[UInt32]]
  var work: [UInt32] = []
  var scratch: [UInt32] = []

  init(setSize: Int) {
    // 4 KiB documents have about 600 word 5-grams: enough for 400 distinct ones.
    let fingerprints = Inputs.fingerprints(of: Inputs.documents(byteCount: 4096, count: Inputs.documentCount + 1))
    let digests = fingerprints.map { $0.map(FingerprintSet.digest) }
    unsorted = digests.dropLast().map { Array($0.prefix(setSize)) }
    let distinct = digests.map { digests in
      var seen = Set<UInt32>()
      var distinct: [UInt32] = []
      for digest in digests where distinct.count < setSize && seen.insert(digest).inserted { distinct.append(digest) }
      return distinct
    }
    precondition(distinct.allSatisfy { $0.count == setSize }, "a document has fewer than \(setSize) distinct shingles")
    sets = distinct.dropLast().map { $0.sorted() }
    nearDuplicates = (0..<Inputs.documentCount).map { index in
      var copy = distinct[index]
      let other = distinct[index + 1]
      for position in stride(from: 0, to: setSize, by: 5) { copy[position] = other[position] }
      return Array(Set(copy)).sorted()
    }
    work.reserveCapacity(setSize)
    for set in unsorted {
      work.removeAll(keepingCapacity: true)
      work.append(contentsOf: set)
      FingerprintSet.sortUniformAndRemoveDuplicates(&work, scratch: &scratch)
    }
  }
}
