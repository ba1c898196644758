/// Shingles too common to tell documents apart — site templates, "More / Recommend"
/// blocks, stock phrases — which are dropped from every document's shingle set
/// before sketching and verification, so that shared boilerplate neither makes
/// unrelated pages similar nor related pages dissimilar.
///
/// Learned from a sample of the corpus: the shingles found in at least `share` of
/// the sampled documents (and in at least `minimumDocuments` of them).
///
/// - Invariant: `table` is an open-addressing hash set (linear probing, load ≤ 1/4)
///   of the stop fingerprints other than 0; `containsZero` records 0.
public struct StopShingles: Sendable, Equatable {
  private let table: [UInt64]
  private let mask: Int
  private let containsZero: Bool
  /// The number of stop shingles.
  public let count: Int

  /// An empty set.
  public static let none = StopShingles(fingerprints: [])

  /// The set of `fingerprints`.
  /// - Complexity: O(n).
  public init(fingerprints: [UInt64]) {
    let unique = Set(fingerprints)
    count = unique.count
    containsZero = unique.contains(0)
    var capacity = 16
    while capacity < 4 * unique.count { capacity *= 2 }
    var table = [UInt64](repeating: 0, count: capacity)
    for fingerprint in unique where fingerprint != 0 {
      var slot = Int(truncatingIfNeeded: fingerprint) & (capacity - 1)
      while table[slot] != 0 { slot = (slot + 1) & (capacity - 1) }
      table[slot] = fingerprint
    }
    self.table = table
    mask = capacity - 1
  }

  /// Whether the set is empty (no filtering).
  public var isEmpty: Bool { count == 0 }

  /// Whether `fingerprint` is a stop shingle.
  /// - Complexity: O(1) expected.
  @inline(__always)
  public func contains(_ fingerprint: UInt64) -> Bool {
    if fingerprint == 0 { return containsZero }
    return table.withUnsafeBufferPointer { table in
      var slot = Int(truncatingIfNeeded: fingerprint) & mask
      while true {
        let value = table[slot]
        if value == fingerprint { return true }
        if value == 0 { return false }
        slot = (slot + 1) & mask
      }
    }
  }

  /// Removes the stop shingles from `fingerprints`, in place.
  /// - Complexity: O(s).
  @inline(__always)
  public func filter(_ fingerprints: inout [UInt64]) {
    guard count > 0 else { return }
    fingerprints.removeAll { contains($0) }
  }

  /// The stop shingles of the documents counted in `tallies`: those in at least
  /// `share` of them and in at least `minimumDocuments`.
  ///
  /// The partitions (one per top byte of the fingerprints) are counted in parallel
  /// on up to `threads` threads, each with an open-addressing table small enough to
  /// stay in cache. The result does not depend on `threads` or on how the documents
  /// were split among the tallies.
  /// - Complexity: O(n) expected for n tallied fingerprints; O(n) extra memory for the
  ///   partitioned copies.
  init(tallies: [ShingleTally], share: Double, minimumDocuments: Int, threads: Int = 1) {
    let documents = tallies.reduce(0) { $0 + $1.documents }
    let needed = max(minimumDocuments, Int((share * Double(documents)).rounded(.up)))
    var partitioned = [(values: [UInt64], starts: [Int])](repeating: ([], []), count: tallies.count)
    partitioned.withUnsafeMutableBufferPointer { results in
      let output = DisjointRows(results)
      parallelForEach(chunkCount: tallies.count, threads: threads) { tally in
        output.base[tally] = tallies[tally].partitioned()
      }
    }
    var frequentByPartition = [[UInt64]](repeating: [], count: ShingleTally.partitionCount)
    frequentByPartition.withUnsafeMutableBufferPointer { results in
      let output = DisjointRows(results)
      parallelForEach(chunkCount: ShingleTally.partitionCount, threads: threads) { partition in
        output.base[partition] = ShingleTally.frequent(
          in: partitioned.map { $0.values[$0.starts[partition]..<$0.starts[partition + 1]] }, needed: needed)
      }
    }
    self.init(fingerprints: frequentByPartition.flatMap { $0 })
  }

  /// The stop shingles of `texts`: those in at least `share` of them and in at least
  /// `minimumDocuments`.
  /// - Complexity: O(bytes + shingles).
  public static func learn(
    from texts: [String], parameters: SketchParameters, share: Double,
    minimumDocuments: Int = BoilerplateLearning.defaultMinimumDocuments
  ) -> StopShingles {
    var sketcher = DocumentSketcher(parameters: parameters, retention: .fingerprints)
    var tally = ShingleTally()
    for text in texts {
      var copy = text
      _ = copy.withUTF8 { sketcher.sketch(title: nil, body: $0, signature: nil) }
      tally.add(document: sketcher.fingerprints)
    }
    return StopShingles(tallies: [tally], share: share, minimumDocuments: minimumDocuments)
  }
}

/// How `CorpusSketcher` learns the boilerplate shingles of a corpus: from its first
/// `sampleSize` documents, the shingles found in at least `share` of them and in at
/// least `minimumDocuments`.
public struct BoilerplateLearning: Sendable {
  /// The least share of the sampled documents a stop shingle is found in.
  public var share: Double
  /// The documents sampled: the first ones of the corpus.
  public var sampleSize: Int
  /// The least number of sampled documents a stop shingle is found in.
  public var minimumDocuments: Int

  /// The default `minimumDocuments`: a shingle in fewer sampled documents is never
  /// boilerplate, however small the sample.
  public static let defaultMinimumDocuments = 10

  /// Creates learning parameters.
  public init(share: Double, sampleSize: Int = 20_000, minimumDocuments: Int = defaultMinimumDocuments) {
    self.share = share
    self.sampleSize = sampleSize
    self.minimumDocuments = minimumDocuments
  }
}

/// The distinct fingerprints of sampled documents: the input of boilerplate
/// learning. They are counted by partition — one per top byte, about 1/256 of them
/// each — so that each partition's hash table stays in cache.
///
/// - Invariant: `values` holds every tallied document's fingerprints, document after
///   document, without repeats within a document.
struct ShingleTally {
  /// One partition per value of the top byte.
  static let partitionCount = 256
  /// The tallied fingerprints.
  private(set) var values: [UInt64] = []
  /// The documents tallied.
  private(set) var documents = 0

  /// An empty tally.
  init() {}

  /// The tally of `documents` documents whose fingerprints, back to back, are
  /// `values`.
  init(values: [UInt64], documents: Int) {
    self.values = values
    self.documents = documents
  }

  /// Tallies one document's fingerprints.
  /// - Precondition: `fingerprints` holds no repeats.
  /// - Complexity: O(s) amortized.
  mutating func add(document fingerprints: [UInt64]) {
    documents += 1
    values.append(contentsOf: fingerprints)
  }

  /// The values grouped by partition (a counting sort on the top byte), and where
  /// each partition starts, plus the total at the end: partition p is
  /// `values[starts[p]..<starts[p + 1]]`.
  /// - Complexity: O(n + 256).
  func partitioned() -> (values: [UInt64], starts: [Int]) {
    var starts = [Int](repeating: 0, count: Self.partitionCount + 1)
    for value in values { starts[Int(truncatingIfNeeded: value >> 56) + 1] += 1 }
    for partition in 0..<Self.partitionCount { starts[partition + 1] += starts[partition] }
    var next = starts
    var grouped = [UInt64](repeating: 0, count: values.count)
    grouped.withUnsafeMutableBufferPointer { grouped in
      for value in values {
        let partition = Int(truncatingIfNeeded: value >> 56)
        grouped[next[partition]] = value
        next[partition] += 1
      }
    }
    return (grouped, starts)
  }

  /// The fingerprints that occur at least `needed` times in `parts` (the pieces of
  /// one partition from every tally), each once.
  /// - Complexity: O(n) expected for n fingerprints, with an open-addressing table of
  ///   2n–4n slots (linear probing on the fingerprints' low bits, which are uniform).
  static func frequent(in parts: [ArraySlice<UInt64>], needed: Int) -> [UInt64] {
    let total = parts.reduce(0) { $0 + $1.count }
    guard total >= needed else { return [] }
    var capacity = 16
    while capacity < 2 * total { capacity *= 2 }
    let mask = capacity - 1
    var keys = [UInt64](repeating: 0, count: capacity)
    var counts = [UInt32](repeating: 0, count: capacity)
    var zeroCount = 0
    keys.withUnsafeMutableBufferPointer { keys in
      counts.withUnsafeMutableBufferPointer { counts in
        for part in parts {
          for fingerprint in part {
            if fingerprint == 0 {
              zeroCount += 1
              continue
            }
            var slot = Int(truncatingIfNeeded: fingerprint) & mask
            while keys[slot] != 0 && keys[slot] != fingerprint { slot = (slot &+ 1) & mask }
            keys[slot] = fingerprint
            counts[slot] &+= 1
          }
        }
      }
    }
    var result: [UInt64] = zeroCount >= needed ? [0] : []
    for slot in 0..<capacity where counts[slot] >= needed { result.append(keys[slot]) }
    return result
  }
}
