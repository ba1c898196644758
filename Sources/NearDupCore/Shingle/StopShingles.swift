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

  /// The stop shingles given the document frequency of every shingle in a sample of
  /// `documents` documents: those in at least `share` of them and in at least
  /// `minimumDocuments`.
  public init(frequencies: [UInt64: Int32], documents: Int, share: Double, minimumDocuments: Int = 10) {
    let needed = max(minimumDocuments, Int((share * Double(documents)).rounded(.up)))
    self.init(fingerprints: frequencies.filter { Int($0.value) >= needed }.map(\.key))
  }

  /// The stop shingles of `texts`: those in at least `share` of them and in at least
  /// `minimumDocuments`.
  /// - Complexity: O(bytes + shingles).
  public static func learn(from texts: [String], parameters: SketchParameters, share: Double, minimumDocuments: Int = 10)
    -> StopShingles
  {
    var sketcher = DocumentSketcher(parameters: parameters, retention: .fingerprints)
    var frequency: [UInt64: Int32] = [:]
    var signature = [UInt32](repeating: 0, count: parameters.permutationCount)
    for text in texts {
      var copy = text
      copy.withUTF8 { body in
        _ = signature.withUnsafeMutableBufferPointer { sketcher.sketch(title: nil, body: body, signature: $0) }
      }
      for fingerprint in sketcher.fingerprints { frequency[fingerprint, default: 0] += 1 }
    }
    return StopShingles(frequencies: frequency, documents: texts.count, share: share, minimumDocuments: minimumDocuments)
  }

  /// The stop shingles of the first `sampleSize` documents of `reader`: those in at
  /// least `share` of them and in at least `minimumDocuments`.
  /// - Complexity: O(sampled bytes + sampled shingles).
  public static func learn(
    from reader: CorpusReader, parameters: SketchParameters, sampleSize: Int, share: Double,
    minimumDocuments: Int = 10
  ) throws(CorpusError) -> StopShingles {
    var sketcher = DocumentSketcher(parameters: parameters, retention: .fingerprints)
    var frequency: [UInt64: Int32] = [:]
    var signature = [UInt32](repeating: 0, count: parameters.permutationCount)
    var batch = DocumentBatch()
    var sampled = 0
    while sampled < sampleSize, try reader.read(into: &batch, maximumDocuments: min(4096, sampleSize - sampled)) {
      batch.content.withUnsafeBufferPointer { content in
        for index in 0..<batch.count {
          let title = batch.titleRange(of: index).map { UnsafeBufferPointer(rebasing: content[$0]) }
          let body = UnsafeBufferPointer(rebasing: content[batch.bodyRange(of: index)])
          _ = signature.withUnsafeMutableBufferPointer { sketcher.sketch(title: title, body: body, signature: $0) }
          for fingerprint in sketcher.fingerprints { frequency[fingerprint, default: 0] += 1 }
        }
      }
      sampled += batch.count
    }
    return StopShingles(frequencies: frequency, documents: sampled, share: share, minimumDocuments: minimumDocuments)
  }
}
