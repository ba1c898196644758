/// Cuts a document's tokens into shingles and fingerprints each one.
///
/// - Word shingles: every token is hashed once with XXH3-64; the fingerprint of the
///   n-gram starting at token i is XXH3-64 over the little-endian bytes of the n token
///   hashes i..<i+n. Sliding the window costs one short hash per shingle, never a
///   re-read of the words.
/// - Character shingles: the tokens are joined by one space and every run of n
///   consecutive Unicode scalars is hashed with XXH3-64 over its UTF-8 bytes.
///
/// A document with fewer than n units (tokens, or characters) gets one shingle of all
/// of them; a document without tokens gets none (it is reported as empty).
///
/// - Invariant: the same tokens give the same fingerprints on every machine.
/// - Complexity: O(t) hashes for t tokens (word shingles); O(c) for c characters.
public struct Shingler: Sendable {
  /// Word or character shingles.
  public let kind: ShingleKind
  /// The n of the n-grams.
  public let size: Int

  /// Creates a shingler for n-grams of `size` units.
  /// - Precondition: `size >= 1`.
  public init(kind: ShingleKind, size: Int) {
    precondition(size >= 1, "shingle size \(size) must be at least 1")
    self.kind = kind
    self.size = size
  }

  /// Creates the shingler that `parameters` describe.
  public init(_ parameters: SketchParameters) {
    self.init(kind: parameters.shingle, size: parameters.shingleSize)
  }

  /// Hashes every token of `tokens` with XXH3-64, replacing `tokenHashes`' contents.
  /// - Complexity: O(byteCount of the tokens).
  public static func hashTokens(_ tokens: TokenBuffer, into tokenHashes: inout [UInt64]) {
    tokenHashes.removeAll(keepingCapacity: true)
    tokens.withTokens { bytes, ends in
      var start = 0
      for end in ends {
        let end = Int(end)
        let raw = UnsafeRawPointer(bytes.baseAddress!) + start
        tokenHashes.append(XXH3.hash(raw, count: end - start, seed: 0))
        start = end
      }
    }
  }

  /// Writes the fingerprints of the word shingles of a document whose tokens hash to
  /// `tokenHashes` into `fingerprints` (replacing its contents), unsorted and
  /// possibly repeated.
  /// - Complexity: O(t) hashes of n·8 bytes for t tokens.
  public func wordFingerprints(ofTokenHashes tokenHashes: [UInt64], into fingerprints: inout [UInt64]) {
    guard !tokenHashes.isEmpty else { return fingerprints.removeAll(keepingCapacity: true) }
    tokenHashes.withUnsafeBufferPointer { hashes in
      let windows = max(1, hashes.count - size + 1)
      let width = min(size, hashes.count)
      fingerprints.resize(to: windows, filling: 0)  // every window is written below
      fingerprints.withUnsafeMutableBufferPointer { out in
        // A constant length lets the hash's length dispatch fold away.
        switch width {
        case 5: Self.hashWindows(hashes, width: 5, into: out)
        case 3: Self.hashWindows(hashes, width: 3, into: out)
        case 4: Self.hashWindows(hashes, width: 4, into: out)
        default: Self.hashWindows(hashes, width: width, into: out)
        }
      }
    }
  }

  /// XXH3-64 of every window of `width` consecutive token hashes.
  @inline(__always)
  private static func hashWindows(
    _ hashes: UnsafeBufferPointer<UInt64>, width: Int, into out: UnsafeMutableBufferPointer<UInt64>
  ) {
    #if _endian(little)
      let raw = UnsafeRawPointer(hashes.baseAddress!)
      for start in 0..<out.count { out[start] = XXH3.hash(raw + 8 &* start, count: 8 &* width, seed: 0) }
    #else
      for start in 0..<out.count {
        out[start] = XXH3.hash(littleEndianWords: UnsafeBufferPointer(rebasing: hashes[start..<start + width]), seed: 0)
      }
    #endif
  }

  /// Writes the fingerprints of the character shingles of `tokens` into
  /// `fingerprints` (replacing its contents), unsorted and possibly repeated.
  /// - Complexity: O(c) for c characters.
  public func characterFingerprints(of tokens: TokenBuffer, into fingerprints: inout [UInt64], scratch: inout ShinglerScratch) {
    fingerprints.removeAll(keepingCapacity: true)
    guard tokens.count > 0 else { return }
    scratch.joinTokens(tokens)
    scratch.joined.withUnsafeBufferPointer { joined in
      scratch.scalarStarts.withUnsafeBufferPointer { starts in
        // starts holds every scalar's start plus the total length at the end.
        let scalarCount = starts.count - 1
        let windows = max(1, scalarCount - size + 1)
        let width = min(size, scalarCount)
        for start in 0..<windows {
          let lower = Int(starts[start])
          let upper = Int(starts[start + width])
          fingerprints.append(XXH3.hash(UnsafeRawPointer(joined.baseAddress! + lower), count: upper - lower, seed: 0))
        }
      }
    }
  }

  /// The sorted, duplicate-free fingerprints of `text`, through the whole front of
  /// the pipeline (normalize, tokenize, shingle); for tests and small inputs.
  /// - Complexity: O(b + s log s) for b bytes and s shingles.
  public func fingerprintSet(of text: String, normalizer: TextNormalizer = TextNormalizer()) -> [UInt64] {
    var tokens = TokenBuffer()
    var copy = text
    copy.withUTF8 { normalizer.tokenize($0, into: &tokens) }
    var fingerprints: [UInt64] = []
    switch kind {
    case .word:
      var hashes: [UInt64] = []
      Self.hashTokens(tokens, into: &hashes)
      wordFingerprints(ofTokenHashes: hashes, into: &fingerprints)
    case .character:
      var scratch = ShinglerScratch()
      characterFingerprints(of: tokens, into: &fingerprints, scratch: &scratch)
    }
    FingerprintSet.sortAndRemoveDuplicates(&fingerprints)
    return fingerprints
  }
}

/// Reusable storage for character shingles: the tokens joined by single spaces and
/// the start offset of every scalar in it.
public struct ShinglerScratch: Sendable {
  var joined: [UInt8] = []
  var scalarStarts: [Int32] = []

  /// Creates empty scratch storage.
  public init() {}

  /// Joins the tokens with one space and records where each scalar starts, plus
  /// the total length as a final entry.
  mutating func joinTokens(_ tokens: TokenBuffer) {
    joined.removeAll(keepingCapacity: true)
    scalarStarts.removeAll(keepingCapacity: true)
    tokens.withTokens { bytes, ends in
      var start = 0
      for (index, end) in ends.enumerated() {
        if index > 0 {
          scalarStarts.append(Int32(joined.count))
          joined.append(UInt8(ascii: " "))
        }
        for offset in start..<Int(end) {
          let byte = bytes[offset]
          if byte & 0xC0 != 0x80 { scalarStarts.append(Int32(joined.count)) }
          joined.append(byte)
        }
        start = Int(end)
      }
    }
    scalarStarts.append(Int32(joined.count))
  }
}
