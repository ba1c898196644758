import NearDupCore

/// Benchmark inputs, built in `setup:` from NearDup's synthetic wire-story generator
/// (`SyntheticCorpus`), so that every run measures the same bytes.
enum Inputs {
  /// The documents cycled through by the per-document benchmarks.
  static let documentCount = 64

  /// Stops `SyntheticCorpus.generate` once enough documents are collected.
  private struct Enough: Error {}

  /// `count` synthetic news documents of exactly `byteCount` UTF-8 bytes: the title,
  /// a line break and the body of documents at least that long, cut at the last
  /// scalar boundary at or before `byteCount` and padded with spaces.
  /// - Complexity: O(bytes generated).
  static func documents(byteCount: Int, count: Int = documentCount, seed: UInt64 = 1) -> [[UInt8]] {
    var documents: [[UInt8]] = []
    try? SyntheticCorpus(seed: seed).generate(count: 100 * count) { document in
      var bytes = Array((document.title + "\n" + document.text).utf8)
      guard bytes.count >= byteCount else { return }
      var cut = byteCount
      while cut < bytes.count && bytes[cut] & 0xC0 == 0x80 { cut -= 1 }  // bytes[cut] starts the next scalar
      bytes.removeSubrange(cut...)
      bytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: byteCount - cut))
      documents.append(bytes)
      if documents.count == count { throw Enough() }
    }
    precondition(documents.count == count, "the generator made only \(documents.count) documents of \(byteCount) bytes")
    return documents
  }

  /// The tokens (normalized text) of each document.
  static func tokens(of documents: [[UInt8]]) -> [TokenBuffer] {
    documents.map { document in
      var tokens = TokenBuffer()
      document.withUnsafeBufferPointer { TextNormalizer().tokenize($0, into: &tokens) }
      return tokens
    }
  }

  /// The word-shingle fingerprints (n = 5) of each document, unsorted and possibly
  /// repeated, as MinHash receives them in the pipeline.
  static func fingerprints(of documents: [[UInt8]]) -> [[UInt64]] {
    let shingler = Shingler(kind: .word, size: 5)
    return tokens(of: documents).map { tokens in
      var fingerprints: [UInt64] = []
      shingler.wordFingerprints(of: tokens, into: &fingerprints)
      return fingerprints
    }
  }
}
