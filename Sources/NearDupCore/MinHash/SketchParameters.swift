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

extension Shingler {
  /// Creates the shingler that `parameters` describe.
  public init(_ parameters: SketchParameters) {
    self.init(kind: parameters.shingle, size: parameters.shingleSize)
  }
}
