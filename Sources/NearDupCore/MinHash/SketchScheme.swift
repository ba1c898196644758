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
