/// Cuts a document's normalized text (its tokens joined by single spaces, as a
/// `TokenBuffer` holds them) into shingles and fingerprints each one with XXH3-64
/// over its UTF-8 bytes:
///
/// - Word shingles: the n-gram of tokens i..<i+n is the text from token i's first
///   byte to token i+n-1's last, single spaces included ("north korea's top").
/// - Character shingles: every run of n consecutive Unicode scalars of the text.
///
/// A document with fewer than n units (tokens, or characters) gets one shingle of all
/// of them; a document without tokens gets none (it is reported as empty).
///
/// - Invariant: the same tokens give the same fingerprints on every machine.
/// - Complexity: O(t) hashes of O(n) bytes each for t tokens (word shingles); O(c)
///   for c characters.
package struct Shingler: Sendable {
  /// Word or character shingles.
  package let kind: ShingleKind
  /// The n of the n-grams.
  package let size: Int

  /// Creates a shingler for n-grams of `size` units.
  /// - Precondition: `size >= 1`.
  package init(kind: ShingleKind, size: Int) {
    precondition(size >= 1, "shingle size \(size) must be at least 1")
    self.kind = kind
    self.size = size
  }

  /// Writes the fingerprints of the word shingles of `tokens` into `fingerprints`
  /// (replacing its contents), unsorted and possibly repeated.
  /// - Complexity: O(t) hashes for t tokens.
  package func wordFingerprints(of tokens: TokenBuffer, into fingerprints: inout [UInt64]) {
    guard tokens.count > 0 else { return fingerprints.removeAll(keepingCapacity: true) }
    let windows = max(1, tokens.count - size + 1)
    let width = min(size, tokens.count)
    fingerprints.resize(to: windows, filling: 0)  // every window is written below
    tokens.withTokens { text, ends in
      fingerprints.withUnsafeMutableBufferPointer { out in
        let base = UnsafeRawPointer(text.baseAddress!)
        // The window from token i starts one byte past token i-1's end. The buffer
        // keeps 16 bytes of slack past the text, so 32 bytes are readable from the
        // start of any window of 17 bytes or more, as `hashShingle` needs.
        @inline(__always) func hash(_ lower: Int, _ upper: Int) -> UInt64 {
          XXH3.hashShingle(base + lower, count: upper &- lower)
        }
        out[0] = hash(0, Int(ends[width &- 1]))
        for start in 1..<windows {
          out[start] = hash(Int(ends[start &- 1]) &+ 1, Int(ends[start &+ width &- 1]))
        }
      }
    }
  }

  /// Writes the fingerprints of the character shingles of `tokens` into
  /// `fingerprints` (replacing its contents), unsorted and possibly repeated.
  /// - Complexity: O(c) for c characters.
  package func characterFingerprints(
    of tokens: TokenBuffer, into fingerprints: inout [UInt64], scratch: inout ShinglerScratch
  ) {
    fingerprints.removeAll(keepingCapacity: true)
    guard tokens.count > 0 else { return }
    tokens.withTokens { text, _ in
      scratch.findScalarStarts(text)
      scratch.scalarStarts.withUnsafeBufferPointer { starts in
        // starts holds every scalar's start plus the total length at the end.
        let scalarCount = starts.count - 1
        let windows = max(1, scalarCount - size + 1)
        let width = min(size, scalarCount)
        for start in 0..<windows {
          let lower = Int(starts[start])
          let upper = Int(starts[start + width])
          fingerprints.append(XXH3.hash(UnsafeRawPointer(text.baseAddress! + lower), count: upper - lower, seed: 0))
        }
      }
    }
  }

  /// The sorted, duplicate-free fingerprints of `text`, through the whole front of
  /// the pipeline (normalize, tokenize, shingle); for tests and small inputs.
  /// - Complexity: O(b + s log s) for b bytes and s shingles.
  package func fingerprintSet(of text: String, normalizer: TextNormalizer = TextNormalizer()) -> [UInt64] {
    var tokens = TokenBuffer()
    var copy = text
    copy.withUTF8 { normalizer.tokenize($0, into: &tokens) }
    var fingerprints: [UInt64] = []
    switch kind {
    case .word:
      wordFingerprints(of: tokens, into: &fingerprints)
    case .character:
      var scratch = ShinglerScratch()
      characterFingerprints(of: tokens, into: &fingerprints, scratch: &scratch)
    }
    FingerprintSet.sortAndRemoveDuplicates(&fingerprints)
    return fingerprints
  }
}

/// Reusable storage for character shingles: the start offset of every scalar of the
/// normalized text.
package struct ShinglerScratch: Sendable {
  var scalarStarts: [Int32] = []

  /// Creates empty scratch storage.
  package init() {}

  /// Records where each scalar of `text` starts, plus the total length as a final
  /// entry.
  mutating func findScalarStarts(_ text: UnsafeBufferPointer<UInt8>) {
    scalarStarts.removeAll(keepingCapacity: true)
    for (offset, byte) in text.enumerated() where byte & 0xC0 != 0x80 { scalarStarts.append(Int32(offset)) }
    scalarStarts.append(Int32(text.count))
  }
}
