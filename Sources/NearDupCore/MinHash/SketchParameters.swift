/// Every tunable that decides a document's fingerprints and signature.
///
/// Two signatures are comparable only when they come from equal parameters; an
/// index stores these in its header and refuses queries made with others.
///
/// The properties are read-only: every value goes through the throwing initializer,
/// which checks it, and decoding checks the same way.
///
/// - Invariant: `shingleSize >= 1`, `permutationCount` in `permutationCounts`.
public struct SketchParameters: Hashable, Sendable, Codable {
  /// Word or character shingles.
  public private(set) var shingle: ShingleKind
  /// The n of the n-grams.
  public private(set) var shingleSize: Int
  /// k, the number of MinHash permutations (32-bit slots per signature).
  public private(set) var permutationCount: Int
  /// The seed of the MinHash permutation family.
  public private(set) var seed: UInt64
  /// Whether a lowercase letter directly followed by an uppercase one starts a new
  /// token ("EthermacTuesday" → "ethermac" "tuesday").
  public private(set) var splitsGluedWords: Bool
  /// How signatures are computed.
  public private(set) var scheme: SketchScheme
  /// What news cleaning removes before tokenizing.
  public private(set) var cleaning: CleaningOptions

  /// The defaults: word 5-grams, 128 permutations, seed 1, glued words split,
  /// one permutation hashing, datelines and metadata lines cleaned.
  public static let `default` = try! SketchParameters()

  /// The permutation counts accepted.
  public static let permutationCounts = 1...4096

  /// Creates validated parameters.
  /// - Parameters:
  ///   - shingle: Word or character shingles.
  ///   - shingleSize: The n of the n-grams, at least 1.
  ///   - permutationCount: k, the slots of a signature, in `permutationCounts`.
  ///   - seed: The seed of the permutation family.
  ///   - splitsGluedWords: Whether "EthermacTuesday" is split into two tokens.
  ///   - scheme: One permutation hashing or classic MinHash.
  ///   - cleaning: What news cleaning removes before tokenizing.
  /// - Throws: `ParameterError.shingleSize` or `.permutationCount` when a value is
  ///   out of range.
  public init(
    shingle: ShingleKind = .word, shingleSize: Int = 5, permutationCount: Int = 128,
    seed: UInt64 = 1, splitsGluedWords: Bool = true, scheme: SketchScheme = .oph,
    cleaning: CleaningOptions = [.datelines, .metadata]
  ) throws(ParameterError) {
    guard shingleSize >= 1 else { throw .shingleSize(shingleSize) }
    guard Self.permutationCounts.contains(permutationCount) else {
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

  private enum CodingKeys: String, CodingKey {
    case shingle, shingleSize, permutationCount, seed, splitsGluedWords, scheme, cleaning
  }

  /// Decodes parameters and checks them as the initializer does.
  /// - Throws: `DecodingError.dataCorrupted` for a value out of range, and the
  ///   decoder's errors.
  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    do {
      try self.init(
        shingle: container.decode(ShingleKind.self, forKey: .shingle),
        shingleSize: container.decode(Int.self, forKey: .shingleSize),
        permutationCount: container.decode(Int.self, forKey: .permutationCount),
        seed: container.decode(UInt64.self, forKey: .seed),
        splitsGluedWords: container.decode(Bool.self, forKey: .splitsGluedWords),
        scheme: container.decode(SketchScheme.self, forKey: .scheme),
        cleaning: container.decode(CleaningOptions.self, forKey: .cleaning))
    } catch let error as ParameterError {
      throw DecodingError.dataCorrupted(
        DecodingError.Context(codingPath: decoder.codingPath, debugDescription: error.description))
    }
  }
}

extension Shingler {
  /// Creates the shingler that `parameters` describe.
  package init(_ parameters: SketchParameters) {
    self.init(kind: parameters.shingle, size: parameters.shingleSize)
  }
}
