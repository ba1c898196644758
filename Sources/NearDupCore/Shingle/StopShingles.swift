/// Shingles too common to tell documents apart — site templates, "More / Recommend"
/// blocks, stock phrases — which are dropped from every document's shingle set
/// before sketching and verification, so that shared boilerplate neither makes
/// unrelated pages similar nor related pages dissimilar.
///
/// Learned from a sample of the corpus: the shingles found in at least `share` of
/// the sampled documents (and in at least `minimumDocuments` of them).
///
/// Every document's fingerprints are checked against the set, so a lookup is
/// made cheap for the common answer, "no": a bitmap over the fingerprints' top
/// bits (32 bits per stop shingle, so that at most 1 in 32 other fingerprints
/// finds its bit set) is consulted first, and only a set bit leads to the table.
///
/// - Invariant: `table` is an open-addressing hash set (linear probing, load ≤ 1/4)
///   of the stop fingerprints other than 0; `containsZero` records 0; the bit of
///   every stop fingerprint (its top `64 − bitShift` bits) is set in `bitmap`.
package struct StopShingles: Sendable, Equatable {
  private let table: [UInt64]
  private let mask: Int
  private let containsZero: Bool
  private let bitmap: [UInt64]
  private let bitShift: UInt64
  /// The number of stop shingles.
  package let count: Int

  /// No stop shingles: every shingle is kept.
  public static let empty = StopShingles(fingerprints: [])

  /// The set of `fingerprints`.
  /// - Complexity: O(n).
  package init(fingerprints: [UInt64]) {
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
    // 2^10 to 2^24 bits (128 B to 2 MiB), at least 32 per stop shingle.
    var bits = 10
    while bits < 24 && 1 << bits < 32 * unique.count { bits += 1 }
    bitShift = UInt64(64 - bits)
    var bitmap = [UInt64](repeating: 0, count: (1 << bits) / 64)
    for fingerprint in unique {
      let bit = Int(truncatingIfNeeded: fingerprint &>> UInt64(64 - bits))
      bitmap[bit >> 6] |= 1 << UInt64(bit & 63)
    }
    self.bitmap = bitmap
  }

  /// Whether the set is empty (no filtering).
  package var isEmpty: Bool { count == 0 }

  /// Whether both sets hold the same fingerprints, however their tables are laid
  /// out: colliding fingerprints take their slots in the order a `Set` yields them,
  /// which differs from one instance to another.
  /// - Complexity: O(table size) expected.
  public static func == (lhs: StopShingles, rhs: StopShingles) -> Bool {
    lhs.count == rhs.count && lhs.containsZero == rhs.containsZero
      && lhs.table.allSatisfy { $0 == 0 || rhs.contains($0) }
  }

  /// Whether `fingerprint` is a stop shingle.
  /// - Complexity: O(1) expected.
  @inline(__always)
  package func contains(_ fingerprint: UInt64) -> Bool {
    bitmap.withUnsafeBufferPointer { bitmap in
      table.withUnsafeBufferPointer { table in contains(fingerprint, bitmap: bitmap, table: table) }
    }
  }

  @inline(__always)
  private func contains(_ fingerprint: UInt64, bitmap: UnsafeBufferPointer<UInt64>, table: UnsafeBufferPointer<UInt64>)
    -> Bool
  {
    let bit = Int(truncatingIfNeeded: fingerprint &>> bitShift)
    guard bitmap[bit &>> 6] & (1 &<< UInt64(bit & 63)) != 0 else { return false }
    if fingerprint == 0 { return containsZero }
    var slot = Int(truncatingIfNeeded: fingerprint) & mask
    while true {
      let value = table[slot]
      if value == fingerprint { return true }
      if value == 0 { return false }
      slot = (slot &+ 1) & mask
    }
  }

  /// Removes the stop shingles from `fingerprints`, in place, keeping the others'
  /// order.
  /// - Complexity: O(s).
  @inline(__always)
  package func filter(_ fingerprints: inout [UInt64]) {
    guard count > 0 else { return }
    let kept = fingerprints.withUnsafeMutableBufferPointer { values in
      bitmap.withUnsafeBufferPointer { bitmap in
        table.withUnsafeBufferPointer { table in
          // Every value is written; the write position advances past those kept.
          var write = 0
          for read in 0..<values.count {
            let value = values[read]
            values[write] = value
            write &+= contains(value, bitmap: bitmap, table: table) ? 0 : 1
          }
          return write
        }
      }
    }
    fingerprints.removeLast(fingerprints.count - kept)
  }

  /// The stop shingles of the documents counted in `tallies`: those in at least
  /// `share` of them and in at least `minimumDocuments`.
  ///
  /// Two passes over the tallied fingerprints, each split among up to `threads`
  /// threads. The first counts them by bucket (their top bits; saturating 16-bit
  /// counters). A fingerprint in `needed` documents lies in a bucket counted at
  /// least that often, so the second pass counts exactly only the fingerprints of
  /// such buckets — the boilerplate, and the few that share its buckets — in small
  /// hash tables. There are just enough buckets (2^10 to 2^21) for an average
  /// bucket to hold at most a quarter of `needed`: an ordinary bucket stays far
  /// below `needed`, and the counters stay in cache (the synthetic corpus's sample:
  /// 6.4 million fingerprints, 100 needed, 2^18 buckets, 512 KiB per thread). The
  /// result does not depend on `threads`, on the number of buckets or on how the
  /// documents were split among the tallies.
  /// - Complexity: O(n) expected for n tallied fingerprints; O(b) extra memory per
  ///   thread for b ≤ 2^21 buckets, plus the tables of the candidates.
  init(tallies: [ShingleTally], share: Double, minimumDocuments: Int, threads: Int = 1) {
    let documents = tallies.reduce(0) { $0 + $1.documents }
    let needed = max(1, minimumDocuments, Int((share * Double(documents)).rounded(.up)))
    let values = TallyValues(tallies.map(\.values))
    guard needed <= documents, values.count >= needed else {
      self.init(fingerprints: [])
      return
    }
    let bucketBits = min(21, max(10, Int.bitWidth - (4 * values.count / needed).leadingZeroBitCount))
    let shift = UInt64(64 - bucketBits)
    let parts = min(threads, max(1, values.count >> 16))

    // Pass 1: fingerprints per bucket, per part (part p's counters are row p of
    // `counts`, zeroed by the part's own thread); then a bit per bucket: whether its
    // count reaches `needed` (saturated counters, 65,535, stand for any count at
    // least that), each thread taking a range of the bitmap's words.
    let bucketCount = 1 << bucketBits
    let counts = UnsafeMutableBufferPointer<UInt16>.allocate(capacity: parts * bucketCount)
    defer { counts.deallocate() }
    let rows = DisjointRows(counts)
    parallelForEach(chunkCount: parts, threads: threads) { part in
      let row = UnsafeMutableBufferPointer(rebasing: rows.base[part * bucketCount..<(part + 1) * bucketCount])
      row.initialize(repeating: 0)
      values.forEach(inPart: part, of: parts) { value in
        let bucket = Int(truncatingIfNeeded: value &>> shift)
        let count = row[bucket]
        row[bucket] = count == .max ? count : count &+ 1
      }
    }
    let threshold = min(needed, Int(UInt16.max))
    let wordCount = bucketCount / 64
    var hotBuckets = [UInt64](repeating: 0, count: wordCount)
    hotBuckets.withUnsafeMutableBufferPointer { hot in
      let words = DisjointRows(hot)
      parallelForEach(chunkCount: parts, threads: threads) { part in
        for word in chunkRange(part, of: parts, count: wordCount) {
          var bits: UInt64 = 0
          for bit in 0..<64 {
            let bucket = word &* 64 &+ bit
            var total = 0
            for row in 0..<parts { total &+= Int(rows.base[row &* bucketCount &+ bucket]) }
            if total >= threshold { bits |= 1 << UInt64(bit) }
          }
          words.base[word] = bits
        }
      }
    }
    // Pass 2: exact counts of the fingerprints in hot buckets, per part, merged.
    var partTables = [FingerprintCounter](repeating: FingerprintCounter(), count: parts)
    partTables.withUnsafeMutableBufferPointer { output in
      let rows = DisjointRows(output)
      parallelForEach(chunkCount: parts, threads: threads) { part in
        var table = FingerprintCounter()
        hotBuckets.withUnsafeBufferPointer { hot in
          values.forEach(inPart: part, of: parts) { value in
            let bucket = Int(truncatingIfNeeded: value &>> shift)
            if hot[bucket >> 6] & (1 << UInt64(bucket & 63)) != 0 { table.add(value, count: 1) }
          }
        }
        rows.base[part] = table
      }
    }
    var merged = partTables[0]
    for table in partTables.dropFirst() { table.forEach { merged.add($0, count: $1) } }
    var frequent: [UInt64] = []
    merged.forEach { fingerprint, count in if count >= needed { frequent.append(fingerprint) } }
    self.init(fingerprints: frequent)
  }
}

/// How `CorpusSketcher` learns the boilerplate shingles of a corpus: from its first
/// `sampleSize` documents, the shingles found in at least `share` of them and in at
/// least `minimumDocuments`.
package struct BoilerplateLearning: Sendable {
  /// The least share of the sampled documents a stop shingle is found in.
  package var share: Double
  /// The documents sampled: the first ones of the corpus.
  package var sampleSize: Int
  /// The least number of sampled documents a stop shingle is found in.
  package var minimumDocuments: Int

  /// The default `minimumDocuments`: a shingle in fewer sampled documents is never
  /// boilerplate, however small the sample.
  package static let defaultMinimumDocuments = 10

  /// Creates learning parameters.
  package init(share: Double, sampleSize: Int = 20_000, minimumDocuments: Int = defaultMinimumDocuments) {
    self.share = share
    self.sampleSize = sampleSize
    self.minimumDocuments = minimumDocuments
  }
}

/// The distinct fingerprints of sampled documents: the input of boilerplate
/// learning.
///
/// - Invariant: `values` holds every tallied document's fingerprints, document after
///   document, without repeats within a document.
struct ShingleTally {
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
}

/// The fingerprints of several tallies seen as one sequence, split into equal parts
/// for parallel passes without being copied together.
private struct TallyValues: @unchecked Sendable {
  /// The tallies' fingerprint arrays, in order.
  let arrays: [[UInt64]]
  /// The number of fingerprints in all of them.
  let count: Int

  init(_ arrays: [[UInt64]]) {
    self.arrays = arrays
    count = arrays.reduce(0) { $0 + $1.count }
  }

  /// Calls `body` on every fingerprint of part `part` of `parts` (consecutive,
  /// nearly equal ranges of the whole sequence), in order.
  /// - Complexity: O(count / parts + arrays.count).
  @inline(__always)
  func forEach(inPart part: Int, of parts: Int, _ body: (UInt64) -> Void) {
    let lower = count * part / parts
    let upper = count * (part + 1) / parts
    var start = 0
    for array in arrays {
      let end = start + array.count
      let from = max(lower, start)
      let to = min(upper, end)
      if from < to {
        array.withUnsafeBufferPointer { array in
          for value in UnsafeBufferPointer(rebasing: array[(from - start)..<(to - start)]) { body(value) }
        }
      }
      start = end
    }
  }
}

/// Counts of 64-bit fingerprints: an open-addressing table (linear probing on the
/// fingerprints' low bits, which are uniform) that doubles past half full; 0 is
/// counted apart, as the empty key.
private struct FingerprintCounter {
  private var keys = [UInt64](repeating: 0, count: 64)
  private var counts = [Int](repeating: 0, count: 64)
  private var used = 0
  private var zeroCount = 0

  /// Adds `count` to the count of `fingerprint`.
  /// - Complexity: O(1) amortized expected.
  mutating func add(_ fingerprint: UInt64, count: Int) {
    if fingerprint == 0 {
      zeroCount += count
      return
    }
    if 2 * (used + 1) > keys.count { grow() }
    let mask = keys.count - 1
    var slot = Int(truncatingIfNeeded: fingerprint) & mask
    while keys[slot] != 0 && keys[slot] != fingerprint { slot = (slot &+ 1) & mask }
    if keys[slot] == 0 {
      keys[slot] = fingerprint
      used += 1
    }
    counts[slot] += count
  }

  /// Calls `body` with every fingerprint counted and its count.
  func forEach(_ body: (UInt64, Int) -> Void) {
    if zeroCount > 0 { body(0, zeroCount) }
    for slot in keys.indices where keys[slot] != 0 { body(keys[slot], counts[slot]) }
  }

  private mutating func grow() {
    let oldKeys = keys
    let oldCounts = counts
    keys = [UInt64](repeating: 0, count: 2 * oldKeys.count)
    counts = [Int](repeating: 0, count: 2 * oldKeys.count)
    used = 0
    for slot in oldKeys.indices where oldKeys[slot] != 0 { add(oldKeys[slot], count: oldCounts[slot]) }
  }
}
