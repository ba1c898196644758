/// The tokens of one document after normalization: the normalized text, that is the
/// case-folded UTF-8 bytes of every token joined by single spaces ("north korea's
/// top"), and where each token ends.
///
/// Shingles are cut straight from it: a word n-gram is the run of bytes from its
/// first token's start to its last token's end, a character n-gram a run of n
/// scalars. A buffer is reused from document to document, so steady-state
/// tokenizing allocates nothing once it has grown to the largest document seen.
///
/// - Invariant: token i (non-empty, without spaces) lies at `range(ofToken: i)`;
///   token i + 1 starts one byte (a space) after token i ends; the last token ends
///   at `byteCount`; `byteCount + 64 <= storage.count` (slack for word and vector
///   stores).
package struct TokenBuffer: Sendable {
  /// Token bytes, valid in `0..<byteCount`; the rest is scratch capacity.
  @usableFromInline var storage: [UInt8] = []
  /// End offsets of the tokens, valid in `0..<count`.
  @usableFromInline var endStorage: [Int32] = []
  /// The number of valid bytes in `storage`.
  package internal(set) var byteCount = 0
  /// The number of tokens.
  package internal(set) var count = 0
  /// Invalid UTF-8 sequences met in the last document (each read as U+FFFD).
  package internal(set) var invalidUTF8Count = 0
  /// The tokenizer's span scratch.
  var spans = TokenizerScratch()

  /// Creates an empty buffer.
  package init() {}

  /// Grows the storage so that the tokens of `inputByteCount` more input bytes fit
  /// after the current ones (which `appending` keeps), with 64 bytes of slack for
  /// the tokenizer's vector stores. Case folding at most triples a scalar's UTF-8
  /// length, a token and the space before it take at most four bytes per input
  /// byte, and there are never more tokens than input bytes.
  /// - Complexity: O(1) amortized (O(byteCount) when it grows while appending).
  mutating func prepare(forInputByteCount inputByteCount: Int, appending: Bool) {
    if !appending {
      byteCount = 0
      count = 0
      invalidUTF8Count = 0
    }
    let neededBytes = byteCount + 4 * inputByteCount + 96
    if storage.count < neededBytes { storage.resize(to: 2 * neededBytes, filling: 0) }
    let neededEnds = count + inputByteCount + 1
    if endStorage.count < neededEnds { endStorage.resize(to: 2 * neededEnds, filling: 0) }
  }

  /// The byte range of token `index` within `bytes`.
  /// - Precondition: `index < count`.
  /// - Complexity: O(1).
  @inlinable
  package func range(ofToken index: Int) -> Range<Int> {
    let lower = index == 0 ? 0 : Int(endStorage[index - 1]) + 1
    return lower..<Int(endStorage[index])
  }

  /// Calls `body` with the normalized text (`0..<byteCount`) and the token ends
  /// (`0..<count`). The pointers must not escape `body`.
  @inlinable
  package func withTokens<Result>(
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
  package var tokens: [String] {
    (0..<count).map { String(decoding: storage[range(ofToken: $0)], as: UTF8.self) }
  }
}
