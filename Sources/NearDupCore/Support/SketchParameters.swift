/// How a document is cut into shingles.
public enum ShingleKind: String, Sendable, CaseIterable, Codable {
  /// Word n-grams: n consecutive tokens. The default, for ordinary prose.
  case word
  /// Character n-grams: n consecutive characters of the normalized text, tokens
  /// joined by one space. For headlines and scripts written without spaces.
  case character = "char"
}

/// How a signature's k slots are computed from a document's fingerprints.
public enum SketchScheme: String, Sendable, CaseIterable, Codable {
  /// One permutation hashing with optimal densification (Li, Owen & Zhang 2012;
  /// Shrivastava, ICML 2017): each fingerprint is hashed once and lands in one of k
  /// bins, whose minimum is the slot; empty bins borrow the slot of a bin chosen by a
  /// fixed pseudo-random probe sequence. O(s + k) per document.
  case oph
  /// Classic k-permutation MinHash (Broder 1997): k independent hashes of every
  /// fingerprint. O(s·k) per document.
  case minhash
}

/// Every tunable that decides a document's fingerprints and signature.
///
/// Two signatures are comparable only when they come from equal parameters; an
/// index stores these in its header and refuses queries made with others.
///
/// - Invariant: `shingleSize >= 1`, `permutationCount >= 1`.
public struct SketchParameters: Hashable, Sendable, Codable {
  /// Word or character shingles.
  public var shingle: ShingleKind
  /// The n of the n-grams.
  public var shingleSize: Int
  /// k, the number of MinHash permutations (32-bit slots per signature).
  public var permutationCount: Int
  /// The seed of the MinHash permutation family.
  public var seed: UInt64
  /// Whether a lowercase letter directly followed by an uppercase one starts a new
  /// token ("EthermacTuesday" → "ethermac" "tuesday").
  public var splitsGluedWords: Bool
  /// How signatures are computed.
  public var scheme: SketchScheme
  /// What news cleaning removes before tokenizing.
  public var cleaning: CleaningOptions

  /// The defaults: word 5-grams, 128 permutations, seed 1, glued words split,
  /// one permutation hashing, datelines and metadata lines cleaned.
  public static let `default` = try! SketchParameters()

  /// Creates validated parameters.
  /// - Throws: `ParameterError` when a value is out of range.
  public init(
    shingle: ShingleKind = .word, shingleSize: Int = 5, permutationCount: Int = 128,
    seed: UInt64 = 1, splitsGluedWords: Bool = true, scheme: SketchScheme = .oph,
    cleaning: CleaningOptions = [.datelines, .metadata]
  ) throws(ParameterError) {
    guard shingleSize >= 1 else { throw .shingleSize(shingleSize) }
    guard (1...4096).contains(permutationCount) else {
      throw .permutationCount(permutationCount)
    }
    self.shingle = shingle
    self.shingleSize = shingleSize
    self.permutationCount = permutationCount
    self.seed = seed
    self.splitsGluedWords = splitsGluedWords
    self.scheme = scheme
    self.cleaning = cleaning
  }
}

/// A parameter outside its valid range. Reported before any work starts.
public enum ParameterError: Error, Equatable, CustomStringConvertible {
  case threshold(Double)
  case shingleSize(Int)
  case permutationCount(Int)
  case bandsAndRows(bands: Int, rows: Int, permutationCount: Int)
  case threads(Int)

  public var description: String {
    switch self {
    case .threshold(let value):
      "threshold \(value) is outside (0, 1]; use a similarity such as 0.8"
    case .shingleSize(let value):
      "n-gram size \(value) must be at least 1"
    case .permutationCount(let value):
      "permutation count \(value) must be in 1...4096"
    case .bandsAndRows(let bands, let rows, let permutationCount):
      "\(bands) bands × \(rows) rows exceed the \(permutationCount) permutations; "
        + "lower --bands or --rows, or raise --permutations"
    case .threads(let value):
      "thread count \(value) must be in \(ClusterConfiguration.threadCounts)"
    }
  }
}
