/// What a query asks for, validated when it is made.
///
/// - Invariant: `threshold` is nil or in [0, 1]; `top` is nil or at least 1.
public struct QueryOptions: Sendable, Equatable {
  /// The smallest similarity returned; nil means the index threshold, unless `top`
  /// is set (then the most similar candidates are returned whatever their similarity).
  public private(set) var threshold: Double?
  /// Return at most this many matches, the most similar first (nil: every match).
  public private(set) var top: Int?

  /// Options with the index threshold and every match.
  public init() {}

  /// Creates validated options.
  /// - Parameters:
  ///   - threshold: The smallest similarity returned, in [0, 1]; nil for the index
  ///     threshold, or for none when `top` is set.
  ///   - top: The most matches returned, at least 1; nil for all.
  /// - Throws: `ParameterError.queryThreshold` or `.top` for a value out of range.
  public init(threshold: Double? = nil, top: Int? = nil) throws(ParameterError) {
    if let threshold, !(threshold >= 0 && threshold <= 1) { throw .queryThreshold(threshold) }
    if let top, top < 1 { throw .top(top) }
    self.threshold = threshold
    self.top = top
  }
}

/// One stored document that matches a query.
public struct QueryMatch: Sendable, Equatable {
  /// The stored document's id.
  public let id: String
  /// The start of its title (or text), as stored.
  public let preview: String
  /// Jaccard similarity estimated from the signatures.
  public let jaccard: Double
  /// The exact Jaccard similarity of the fingerprint sets.
  public let exactJaccard: Double
  /// The exact containment, for an index built with the containment measure.
  public let containment: Double?
  /// The value matches are filtered and ranked by: the index measure's exact
  /// similarity.
  public let similarity: Double
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
  /// The index queried.
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

  /// The stored documents similar to `document`, ranked by similarity (then id).
  ///
  /// The document is sketched as documents are when they are added: its title (if
  /// any) before its text, the text cleaned with the index's cleaning options. Its id
  /// is not looked up: a stored copy of the document itself matches it.
  /// - Parameters:
  ///   - document: The document to find near-duplicates of.
  ///   - options: The smallest similarity and the number of matches.
  /// - Returns: The matches, most similar first; none for a document without tokens.
  /// - Throws: `IndexFileError` when a segment turns out to be damaged.
  /// - Complexity: O(b·segments·log N) lookups plus O(c·(k + s)) for c candidates.
  public mutating func query(_ document: Document, options: QueryOptions = QueryOptions()) throws(IndexFileError)
    -> [QueryMatch]
  {
    var text = document.text
    var title = document.title ?? ""
    let hasTitle = document.title != nil
    let outcome = text.withUTF8 { body in
      title.withUTF8 { title in
        Result { () throws(IndexFileError) -> [QueryMatch] in
          try query(options: options) { sketcher, signature in
            sketcher.sketch(title: hasTitle ? title : nil, body: body, signature: signature)
          }
        }
      }
    }
    return try outcome.get()
  }

  /// The stored documents similar to `text` (title and body as one text), ranked
  /// by similarity (then id).
  /// - Throws: `IndexFileError` when a segment turns out to be damaged.
  /// - Complexity: O(b·segments·log N) lookups plus O(c·(k + s)) for c candidates.
  public mutating func query(text: String, options: QueryOptions = QueryOptions()) throws(IndexFileError)
    -> [QueryMatch]
  {
    let bytes = Array(text.utf8)
    let outcome = bytes.withUnsafeBufferPointer { bytes in
      Result { () throws(IndexFileError) -> [QueryMatch] in try query(bytes, options: options) }
    }
    return try outcome.get()
  }

  /// The stored documents similar to the document `text`, ranked by similarity
  /// (then id).
  package mutating func query(_ text: UnsafeBufferPointer<UInt8>, options: QueryOptions) throws(IndexFileError)
    -> [QueryMatch]
  {
    try query(options: options) { sketcher, signature in sketcher.sketch(text, signature: signature) }
  }

  /// The stored documents similar to the document that `sketch` sketches.
  private mutating func query(
    options: QueryOptions,
    sketchedBy sketchDocument: (inout DocumentSketcher, UnsafeMutableBufferPointer<UInt32>) -> DocumentSketch
  ) throws(IndexFileError) -> [QueryMatch] {
    let parameters = index.parameters
    let sketch = signature.withUnsafeMutableBufferPointer { sketchDocument(&sketcher, $0) }
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
