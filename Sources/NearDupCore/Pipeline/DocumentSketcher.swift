/// What sketching one document reports besides its signature.
public struct DocumentSketch: Sendable, Equatable {
  /// The number of tokens after normalization.
  public var tokenCount: Int
  /// The number of distinct shingles.
  public var shingleCount: Int
  /// Invalid UTF-8 sequences met.
  public var invalidUTF8Count: Int
  /// A 128-bit hash of the normalized token sequence: equal for documents whose
  /// normalized texts are identical.
  public var contentKey: ContentKey
}

/// A 128-bit content hash (two XXH3-64 with different seeds).
public struct ContentKey: Hashable, Sendable {
  public var low: UInt64
  public var high: UInt64
}

/// Runs the per-document front of the pipeline — normalize, tokenize, shingle,
/// fingerprint, MinHash — with reusable scratch buffers.
///
/// One sketcher per worker thread; after `sketch`, `fingerprints` holds the
/// document's sorted, duplicate-free fingerprint set until the next call.
///
/// - Complexity: O(b + s log s + s·k) per document of b bytes and s shingles;
///   allocation-free once the buffers have grown to the largest document.
public struct DocumentSketcher: Sendable {
  /// The parameters.
  public let parameters: SketchParameters
  private let normalizer: TextNormalizer
  private let shingler: Shingler
  private let minHasher: MinHasher
  private var tokens = TokenBuffer()
  private var tokenHashes: [UInt64] = []
  private var scratch = ShinglerScratch()
  /// The fingerprint set of the last document sketched.
  public private(set) var fingerprints: [UInt64] = []

  /// Creates a sketcher; the MinHash permutations are drawn once here.
  public init(parameters: SketchParameters, minHasher: MinHasher? = nil) {
    self.parameters = parameters
    normalizer = TextNormalizer(splitsGluedWords: parameters.splitsGluedWords)
    shingler = Shingler(parameters)
    self.minHasher = minHasher ?? MinHasher(parameters)
  }

  /// Sketches one document, writing its signature into `signature`.
  /// - Precondition: `signature.count == parameters.permutationCount`.
  public mutating func sketch(_ text: UnsafeBufferPointer<UInt8>, signature: UnsafeMutableBufferPointer<UInt32>)
    -> DocumentSketch
  {
    normalizer.tokenize(text, into: &tokens)
    Shingler.hashTokens(tokens, into: &tokenHashes)
    shingler.fingerprints(of: tokens, tokenHashes: tokenHashes, into: &fingerprints, scratch: &scratch)
    FingerprintSet.sortAndRemoveDuplicates(&fingerprints)
    fingerprints.withUnsafeBufferPointer { minHasher.sketch($0, into: signature) }
    let key = tokenHashes.withUnsafeBufferPointer { hashes in
      ContentKey(
        low: XXH3.hash(littleEndianWords: hashes, seed: 0x4E44_0001),
        high: XXH3.hash(littleEndianWords: hashes, seed: 0x4E44_0002))
    }
    return DocumentSketch(
      tokenCount: tokens.count, shingleCount: fingerprints.count, invalidUTF8Count: tokens.invalidUTF8Count,
      contentKey: key)
  }
}
