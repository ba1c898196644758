/// The tokens of one document after normalization: the case-folded UTF-8 bytes of
/// every token stored back to back, and where each token ends.
///
/// A buffer is reused from document to document, so steady-state tokenizing
/// allocates nothing once it has grown to the largest document seen.
///
/// - Invariant: `0 <= tokenEnd(0) <= tokenEnd(1) <= … <= byteCount`, every token is
///   non-empty, and `byteCount <= storage.count`.
public struct TokenBuffer: Sendable {
  /// Token bytes, valid in `0..<byteCount`; the rest is scratch capacity.
  @usableFromInline var storage: [UInt8] = []
  /// End offsets of the tokens, valid in `0..<count`.
  @usableFromInline var endStorage: [Int32] = []
  /// The number of valid bytes in `storage`.
  public internal(set) var byteCount = 0
  /// The number of tokens.
  public internal(set) var count = 0
  /// Invalid UTF-8 sequences met in the last document (each read as U+FFFD).
  public internal(set) var invalidUTF8Count = 0
  /// The tokenizer's span scratch.
  var spans = TokenizerScratch()

  /// Creates an empty buffer.
  public init() {}

  /// Grows the scratch storage so that a document of `inputByteCount` bytes fits.
  /// Case folding can at most triple a scalar's UTF-8 length, and there are never
  /// more tokens than input bytes.
  /// - Complexity: O(1) amortized.
  mutating func prepare(forInputByteCount inputByteCount: Int) {
    let neededBytes = 3 * inputByteCount + 16
    if storage.count < neededBytes { storage = [UInt8](repeating: 0, count: neededBytes) }
    let neededEnds = inputByteCount + 1
    if endStorage.count < neededEnds { endStorage = [Int32](repeating: 0, count: neededEnds) }
    byteCount = 0
    count = 0
    invalidUTF8Count = 0
  }

  /// The byte range of token `index` within `bytes`.
  /// - Precondition: `index < count`.
  /// - Complexity: O(1).
  @inlinable
  public func range(ofToken index: Int) -> Range<Int> {
    let lower = index == 0 ? 0 : Int(endStorage[index - 1])
    return lower..<Int(endStorage[index])
  }

  /// Calls `body` with the token bytes (`0..<byteCount`) and token ends (`0..<count`).
  /// The pointers must not escape `body`.
  @inlinable
  public func withTokens<Result>(
    _ body: (_ bytes: UnsafeBufferPointer<UInt8>, _ ends: UnsafeBufferPointer<Int32>) throws -> Result
  ) rethrows -> Result {
    try storage.withUnsafeBufferPointer { bytes in
      try endStorage.withUnsafeBufferPointer { ends in
        try body(
          UnsafeBufferPointer(rebasing: bytes[0..<byteCount]),
          UnsafeBufferPointer(rebasing: ends[0..<count]))
      }
    }
  }

  /// The tokens as strings, for tests and diagnostics.
  /// - Complexity: O(byteCount).
  public var tokens: [String] {
    (0..<count).map { String(decoding: storage[range(ofToken: $0)], as: UTF8.self) }
  }
}
