/// What a query asks for.
public struct QueryOptions: Sendable, Equatable {
  /// The smallest similarity returned; nil means the index threshold, unless `top`
  /// is set (then the most similar candidates are returned whatever their similarity).
  public var threshold: Double?
  /// Return at most this many matches, the most similar first.
  public var top: Int?

  /// Creates options.
  public init(threshold: Double? = nil, top: Int? = nil) {
    self.threshold = threshold
    self.top = top
  }
}

/// One stored document that matches a query.
public struct QueryMatch: Sendable, Equatable {
  /// The stored document's id.
  public var id: String
  /// The start of its title.
  public var preview: String
  /// Jaccard similarity estimated from the signatures.
  public var jaccard: Double
  /// The exact Jaccard similarity of the fingerprint sets.
  public var exactJaccard: Double
  /// The exact containment, for an index built with `--measure containment`.
  public var containment: Double?
  /// The value matches are filtered and ranked by: the index measure's exact
  /// similarity.
  public var similarity: Double
}

/// Answers queries against an `LSHIndex`, with its own scratch buffers: use one per
/// thread.
///
/// A query is sketched with the index's parameters; its band keys are looked up by
/// binary search in every segment's band tables; every candidate is then verified
/// exactly against its stored fingerprint set, as `neardup cluster` verifies
/// candidate pairs (the signature estimate, reported beside it, has a standard
/// error of 0.035 at 0.8 with 128 permutations, and would lose pairs near the
/// threshold).
///
/// - Complexity: O(b·segments·log N) lookups plus O(c·(k + s)) for c candidates;
///   reads only the pages those touch.
public struct IndexQuerier {
  /// The index.
  public let index: LSHIndex
  private var sketcher: DocumentSketcher
  private var signature: [UInt32]
  private var stored: [UInt32]
  private var storedSet: [UInt64] = []
  private var bucket: [UInt32] = []

  /// Creates a querier for `index`.
  public init(index: LSHIndex) {
    self.index = index
    sketcher = DocumentSketcher(parameters: index.parameters.sketch, retention: .fingerprints)
    signature = [UInt32](repeating: 0, count: index.parameters.sketch.permutationCount)
    stored = signature
  }

  /// The stored documents similar to `text` (title and body as one text).
  public mutating func query(text: String, options: QueryOptions) throws(IndexFileError) -> [QueryMatch] {
    let bytes = Array(text.utf8)
    let outcome = bytes.withUnsafeBufferPointer { bytes in
      Result { () throws(IndexFileError) -> [QueryMatch] in try query(bytes, options: options) }
    }
    return try outcome.get()
  }

  /// The stored documents similar to the document `text`, ranked by similarity
  /// (then id).
  public mutating func query(_ text: UnsafeBufferPointer<UInt8>, options: QueryOptions) throws(IndexFileError)
    -> [QueryMatch]
  {
    let parameters = index.parameters
    let sketch = signature.withUnsafeMutableBufferPointer { sketcher.sketch(text, signature: $0) }
    guard sketch.shingleCount > 0 else { return [] }
    let querySet = sketcher.fingerprints
    let threshold = options.threshold ?? (options.top == nil ? parameters.threshold : 0)

    // Candidates: every live document sharing a band key with the query.
    var candidates = Set<UInt64>()
    for band in 0..<parameters.lsh.bands {
      let key = signature.withUnsafeBufferPointer { parameters.lsh.bandKey($0, band: band) }
      for (segmentIndex, segment) in index.segments.enumerated() {
        bucket.removeAll(keepingCapacity: true)
        try segment.documents(withBandKey: key, band: band, into: &bucket)
        for document in bucket where !index.isRemoved(segment: segmentIndex, document: Int(document)) {
          candidates.insert(UInt64(segmentIndex) << 32 | UInt64(document))
        }
      }
    }

    var matches: [QueryMatch] = []
    for candidate in candidates {
      let segment = index.segments[Int(candidate >> 32)]
      let document = Int(candidate & 0xFFFF_FFFF)
      try stored.withUnsafeMutableBufferPointer { (buffer) throws(IndexFileError) in
        try segment.signature(document, into: buffer)
      }
      let jaccard = signature.withUnsafeBufferPointer { query in
        stored.withUnsafeBufferPointer { Signature.estimatedJaccard(query, $0) }
      }
      try segment.fingerprints(document, into: &storedSet)
      let shared = querySet.withUnsafeBufferPointer { query in
        storedSet.withUnsafeBufferPointer { FingerprintSet.intersectionCount(query, $0) }
      }
      let exactJaccard = SimilarityMeasure.jaccard.similarity(intersection: shared, querySet.count, storedSet.count)
      let containment =
        parameters.measure == .containment
        ? SimilarityMeasure.containment.similarity(intersection: shared, querySet.count, storedSet.count) : nil
      let similarity = containment ?? exactJaccard
      guard similarity >= threshold else { continue }
      matches.append(
        QueryMatch(
          id: try segment.id(document), preview: try segment.preview(document), jaccard: jaccard,
          exactJaccard: exactJaccard, containment: containment, similarity: similarity))
    }
    matches.sort {
      $0.similarity != $1.similarity ? $0.similarity > $1.similarity : utf8Precedes($0.id, $1.id)
    }
    if let top = options.top, matches.count > top { matches.removeLast(matches.count - top) }
    return matches
  }
}
