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

  /// The stop shingles among `fingerprints`, the distinct fingerprints of each of
  /// `documents` sampled documents gathered in one array: those in at least `share`
  /// of the documents and in at least `minimumDocuments`.
  ///
  /// Counting runs on 32-bit digests (the high halves), which sort in two radix
  /// passes: a fingerprint can only be frequent if its digest is. The few
  /// fingerprints whose digest is frequent are then counted exactly, so digest
  /// collisions never make a stop shingle.
  /// - Complexity: O(n) for n gathered fingerprints.
  init(counting fingerprints: [UInt64], documents: Int, share: Double, minimumDocuments: Int) {
    let needed = max(minimumDocuments, Int((share * Double(documents)).rounded(.up)))
    var digests = fingerprints.map { UInt32(truncatingIfNeeded: $0 >> 32) }
    RadixSort.sort(&digests)
    var frequentDigests: [UInt64] = []
    Self.forEachRun(in: digests) { digest, count in
      if count >= needed { frequentDigests.append(UInt64(digest)) }
    }
    let digestTable = StopShingles(fingerprints: frequentDigests)
    var candidates = fingerprints.filter { digestTable.contains($0 >> 32) }
    candidates.sort()
    var frequent: [UInt64] = []
    Self.forEachRun(in: candidates) { fingerprint, count in
      if count >= needed { frequent.append(fingerprint) }
    }
    self.init(fingerprints: frequent)
  }

  /// Calls `body` with each distinct value of the sorted `values` and its count.
  private static func forEachRun<Value: Equatable>(in values: [Value], _ body: (Value, Int) -> Void) {
    var start = 0
    while start < values.count {
      var end = start + 1
      while end < values.count && values[end] == values[start] { end += 1 }
      body(values[start], end - start)
      start = end
    }
  }

  /// The stop shingles of `texts`: those in at least `share` of them and in at least
  /// `minimumDocuments`.
  /// - Complexity: O(bytes + shingles).
  public static func learn(from texts: [String], parameters: SketchParameters, share: Double, minimumDocuments: Int = 10)
    -> StopShingles
  {
    var sketcher = DocumentSketcher(parameters: parameters, retention: .fingerprints)
    var gathered: [UInt64] = []
    var signature = [UInt32](repeating: 0, count: parameters.permutationCount)
    for text in texts {
      var copy = text
      copy.withUTF8 { body in
        _ = signature.withUnsafeMutableBufferPointer { sketcher.sketch(title: nil, body: body, signature: $0) }
      }
      gathered += sketcher.fingerprints
    }
    return StopShingles(counting: gathered, documents: texts.count, share: share, minimumDocuments: minimumDocuments)
  }

  /// The stop shingles of the first `sampleSize` documents of `reader`: those in at
  /// least `share` of them and in at least `minimumDocuments`.
  ///
  /// Each batch is sketched in parallel chunks on up to `threads` threads; the
  /// distinct fingerprints of every sampled document are gathered in one array and
  /// counted by sorting it. The result does not depend on `threads`.
  /// - Complexity: O(sampled bytes + sampled shingles) time, O(sampled shingles)
  ///   memory (8 bytes each, twice while sorting).
  public static func learn(
    from reader: CorpusReader, parameters: SketchParameters, sampleSize: Int, share: Double,
    minimumDocuments: Int = 10, threads: Int = 1
  ) throws(CorpusError) -> StopShingles {
    let chunkCount = max(1, threads) * 4
    let chunks = (0..<chunkCount).map { _ in SampleChunk(parameters: parameters) }
    var batch = DocumentBatch()
    var sampled = 0
    while sampled < sampleSize, try reader.read(into: &batch, maximumDocuments: min(4096, sampleSize - sampled)) {
      let documents = batch.count
      batch.content.withUnsafeBufferPointer { content in
        parallelForEach(chunkCount: chunkCount, threads: threads) { chunk in
          let worker = chunks[chunk]
          for index in chunkRange(chunk, of: chunkCount, count: documents) {
            let title = batch.titleRange(of: index).map { UnsafeBufferPointer(rebasing: content[$0]) }
            let body = UnsafeBufferPointer(rebasing: content[batch.bodyRange(of: index)])
            worker.gather(title: title, body: body)
          }
        }
      }
      sampled += documents
    }
    var gathered: [UInt64] = []
    gathered.reserveCapacity(chunks.reduce(0) { $0 + $1.fingerprints.count })
    for chunk in chunks { gathered += chunk.fingerprints }
    return StopShingles(counting: gathered, documents: sampled, share: share, minimumDocuments: minimumDocuments)
  }
}

/// One parallel chunk of the boilerplate sample: its own sketcher, and the distinct
/// fingerprints of the documents it sketched.
/// - Invariant: used by one thread at a time (`parallelForEach` gives each chunk
///   number to one worker).
private final class SampleChunk: @unchecked Sendable {
  private var sketcher: DocumentSketcher
  private var signature: [UInt32]
  private(set) var fingerprints: [UInt64] = []

  init(parameters: SketchParameters) {
    sketcher = DocumentSketcher(parameters: parameters, retention: .fingerprints)
    signature = [UInt32](repeating: 0, count: parameters.permutationCount)
  }

  /// Sketches one document and appends its distinct fingerprints.
  func gather(title: UnsafeBufferPointer<UInt8>?, body: UnsafeBufferPointer<UInt8>) {
    _ = signature.withUnsafeMutableBufferPointer { sketcher.sketch(title: title, body: body, signature: $0) }
    fingerprints += sketcher.fingerprints
  }
}
