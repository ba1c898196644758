/// What sketching one document reports besides its signature.
package struct DocumentSketch: Sendable, Equatable {
  /// The number of tokens after normalization.
  public var tokenCount: Int
  /// The number of distinct shingles.
  public var shingleCount: Int
  /// Invalid UTF-8 sequences met.
  public var invalidUTF8Count: Int
  /// A 128-bit hash of the normalized text (the tokens joined by single spaces):
  /// equal for documents whose normalized texts are identical.
  public var contentKey: ContentKey

  static let empty = DocumentSketch(
    tokenCount: 0, shingleCount: 0, invalidUTF8Count: 0, contentKey: ContentKey(low: 0, high: 0))
}

/// Which exact set representation sketching keeps for each document.
package enum SetRetention: Sendable {
  /// No set, only the signature (signature verification).
  case signaturesOnly
  /// Sorted 32-bit digests: exact verification in the clustering pipeline.
  case digests
  /// Sorted 64-bit fingerprints: what an index stores.
  case fingerprints
}

/// Runs the per-document front of the pipeline — normalize, tokenize, shingle,
/// fingerprint, MinHash — with reusable scratch buffers.
///
/// The title and the body are tokenized into one `TokenBuffer` (the normalized
/// text), which the shingles are cut from; its hash is the content key. After
/// `sketch`, `digests` (or `fingerprints`) holds the document's sorted set, as
/// `retention` asks, until the next call.
///
/// - Complexity: O(b + s + k) per document of b bytes and s shingles with `.oph`
///   (O(b + s·k) with `.minhash`), plus sorting its set; allocation-free once the
///   buffers have grown to the largest document.
package struct DocumentSketcher: Sendable {
  /// The parameters.
  public let parameters: SketchParameters
  /// The set representation kept per document.
  public let retention: SetRetention
  /// Shingles dropped from every document.
  public let stopShingles: StopShingles
  private let cleaner: NewsCleaner
  private var cleaned: [UInt8] = []
  private let normalizer: TextNormalizer
  private let shingler: Shingler
  private let minHasher: MinHasher
  private var tokens = TokenBuffer()
  private var radixScratch: [UInt32] = []
  private var fingerprintScratch: [UInt64] = []
  private var scratch = ShinglerScratch()
  /// The shingle fingerprints of the last document (sorted and duplicate-free with
  /// `.fingerprints` retention).
  public private(set) var fingerprints: [UInt64] = []
  /// The sorted, duplicate-free digests of the last document (unless retention is
  /// `.fingerprints`).
  public private(set) var digests: [UInt32] = []

  /// Creates a sketcher; the MinHash permutations are drawn once here unless given.
  /// - Parameter stopShingles: Shingles dropped from every document.
  public init(
    parameters: SketchParameters, retention: SetRetention = .digests, minHasher: MinHasher? = nil,
    stopShingles: StopShingles = .empty
  ) {
    self.parameters = parameters
    self.retention = retention
    self.stopShingles = stopShingles
    cleaner = NewsCleaner(options: parameters.cleaning)
    normalizer = TextNormalizer(splitsGluedWords: parameters.splitsGluedWords)
    shingler = Shingler(parameters)
    self.minHasher = minHasher ?? MinHasher(parameters)
  }

  /// Nanoseconds spent per stage since creation, for reports.
  public private(set) var times = StageNanoseconds()

  /// Sketches one document, writing its signature into `signature`.
  /// - Precondition: `signature.count == parameters.permutationCount`.
  public mutating func sketch(_ text: UnsafeBufferPointer<UInt8>, signature: UnsafeMutableBufferPointer<UInt32>)
    -> DocumentSketch
  {
    sketch(title: nil, body: text, signature: signature)
  }

  /// Sketches a document made of `title` (if any), a line break, and `body`, without
  /// joining them first. With a nil `signature` only the set is made (the
  /// boilerplate sample).
  /// - Precondition: `signature` is nil or has `parameters.permutationCount` slots.
  public mutating func sketch(
    title: UnsafeBufferPointer<UInt8>?, body: UnsafeBufferPointer<UInt8>, signature: UnsafeMutableBufferPointer<UInt32>?
  ) -> DocumentSketch {
    var clock = StageClock()
    return sketch(title: title, body: body, signature: signature, clock: &clock)
  }

  /// `sketch(title:body:signature:)` timed from `clock`'s last lap, which a caller
  /// that times the steps before (parsing the record) shares, so that a document
  /// costs one clock reading per stage.
  mutating func sketch(
    title: UnsafeBufferPointer<UInt8>?, body: UnsafeBufferPointer<UInt8>,
    signature: UnsafeMutableBufferPointer<UInt32>?,
    clock: inout StageClock
  ) -> DocumentSketch {
    // News cleaning rewrites the body into `cleaned` when it removes something.
    var cleanedBody = cleaned
    cleaned = []
    defer { cleaned = cleanedBody }
    let cleanedCount = parameters.cleaning.isEmpty ? nil : cleaner.clean(body, into: &cleanedBody)
    return cleanedBody.withUnsafeBufferPointer { cleanedBuffer in
      let body = cleanedCount != nil ? UnsafeBufferPointer(rebasing: cleanedBuffer[0..<cleanedCount!]) : body
      return sketchCleaned(title: title, body: body, signature: signature, clock: &clock)
    }
  }

  private mutating func sketchCleaned(
    title: UnsafeBufferPointer<UInt8>?, body: UnsafeBufferPointer<UInt8>,
    signature: UnsafeMutableBufferPointer<UInt32>?,
    clock: inout StageClock
  ) -> DocumentSketch {
    if let title { normalizer.tokenize(title, into: &tokens) }
    normalizer.tokenize(body, into: &tokens, appending: title != nil)
    times.tokenize &+= clock.lap()
    switch parameters.shingle {
    case .word: shingler.wordFingerprints(of: tokens, into: &fingerprints)
    case .character: shingler.characterFingerprints(of: tokens, into: &fingerprints, scratch: &scratch)
    }
    stopShingles.filter(&fingerprints)
    times.fingerprint &+= clock.lap()
    let shingleCount = sketchFingerprints(signature: signature)
    let key = tokens.withTokens { text, _ in
      let hash = XXH3.hash128(UnsafeRawPointer(text.baseAddress), count: text.count, seed: ContentKey.seed)
      return ContentKey(low: hash.low, high: hash.high)
    }
    times.sketch &+= clock.lap()
    return DocumentSketch(
      tokenCount: tokens.count, shingleCount: shingleCount, invalidUTF8Count: tokens.invalidUTF8Count, contentKey: key)
  }

  /// Sketches a document from its shingle fingerprints instead of its text: the
  /// sorted, duplicate-free set of a document that a sketcher without stop shingles
  /// reported as `unfiltered`. This sketcher's stop shingles are removed, then the
  /// signature and the kept set are made as `sketch` makes them from the text, so
  /// the result is the same. The set being sorted, its digests (the fingerprints'
  /// high halves) come out sorted too: no sort is needed.
  /// - Precondition: `set` is sorted and duplicate-free;
  ///   `signature.count == parameters.permutationCount`.
  /// - Complexity: O(s + k) with `.oph` for s fingerprints.
  public mutating func sketch(
    sortedFingerprints set: UnsafeBufferPointer<UInt64>, unfiltered: DocumentSketch,
    signature: UnsafeMutableBufferPointer<UInt32>
  ) -> DocumentSketch {
    sketch(sortedFingerprints: set, unfiltered: unfiltered, signature: signature, unfilteredSignature: false)
  }

  /// `sketch(sortedFingerprints:unfiltered:signature:)` for a document whose
  /// `signature` already holds the signature of `set` (made by a sketcher without
  /// stop shingles): when no fingerprint of `set` is a stop shingle, that signature
  /// is the filtered one too and is kept, and only the kept set is made; else the
  /// signature is made again from the filtered set.
  /// - Precondition: as there; `signature` holds the MinHash signature of `set`.
  /// - Complexity: O(s) for s fingerprints when nothing is filtered, else as there.
  package mutating func finish(
    sortedFingerprints set: UnsafeBufferPointer<UInt64>, unfiltered: DocumentSketch,
    signature: UnsafeMutableBufferPointer<UInt32>
  ) -> DocumentSketch {
    sketch(sortedFingerprints: set, unfiltered: unfiltered, signature: signature, unfilteredSignature: true)
  }

  private mutating func sketch(
    sortedFingerprints set: UnsafeBufferPointer<UInt64>, unfiltered: DocumentSketch,
    signature: UnsafeMutableBufferPointer<UInt32>, unfilteredSignature: Bool
  ) -> DocumentSketch {
    var clock = StageClock()
    fingerprints.removeAll(keepingCapacity: true)
    fingerprints.append(contentsOf: set)
    stopShingles.filter(&fingerprints)
    let signatureIsRight = unfilteredSignature && fingerprints.count == set.count
    var sketch = unfiltered
    sketch.shingleCount = sketchFingerprints(signature: signatureIsRight ? nil : signature, sorted: true)
    times.sketch &+= clock.lap()
    return sketch
  }

  /// The signature of `fingerprints` into `signature` (if any), and the set kept as
  /// `retention` asks; returns the number of distinct shingles. With `sorted` the
  /// fingerprints are sorted and duplicate-free already, and so are their digests
  /// (a digest is the high half): nothing is sorted.
  private mutating func sketchFingerprints(signature: UnsafeMutableBufferPointer<UInt32>?, sorted: Bool = false) -> Int
  {
    if let signature { fingerprints.withUnsafeBufferPointer { minHasher.sketch($0, into: signature) } }
    if retention == .fingerprints {
      if !sorted { FingerprintSet.sortUniformAndRemoveDuplicates(&fingerprints, scratch: &fingerprintScratch) }
      return fingerprints.count
    }
    fingerprints.withUnsafeBufferPointer {
      if sorted {
        FingerprintSet.uniqueDigests(ofSorted: $0, into: &digests)
      } else {
        FingerprintSet.sortedUniqueDigests(of: $0, into: &digests, scratch: &radixScratch)
      }
    }
    return digests.count
  }
}

/// Nanoseconds per per-document stage, summed over documents (thread time).
package struct StageNanoseconds: Sendable, Equatable {
  /// Splitting blocks into lines and reading JSON records out of them (and, on the
  /// block path, keeping the previous document's results).
  public var parse: UInt64 = 0
  /// Normalizing and tokenizing: the normalized text.
  public var tokenize: UInt64 = 0
  /// Shingle fingerprints.
  public var fingerprint: UInt64 = 0
  /// MinHash signature, set sorting and the content key.
  public var sketch: UInt64 = 0

  /// Creates zero times.
  public init() {}

  /// Adds `other` to these times.
  public mutating func add(_ other: StageNanoseconds) {
    parse &+= other.parse
    tokenize &+= other.tokenize
    fingerprint &+= other.fingerprint
    sketch &+= other.sketch
  }
}
