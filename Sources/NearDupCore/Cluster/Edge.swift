/// A verified pair of near-duplicate documents and their similarity.
///
/// - Invariant: `a < b`; `similarity` is in 0...1 and at least the threshold it was
///   verified against.
package struct Edge: Hashable, Sendable {
  /// The document that comes first in the input.
  package var a: UInt32
  /// The document that comes later in the input.
  package var b: UInt32
  /// Their similarity under the run's measure (exact, or estimated from signatures).
  package var similarity: Double
  /// Their Jaccard similarity (equal to `similarity` under the Jaccard measure), so
  /// that a containment run can also be judged by Jaccard.
  package var jaccard: Double

  /// Creates an edge; the documents are ordered for you.
  package init(_ first: Int, _ second: Int, similarity: Double, jaccard: Double? = nil) {
    a = UInt32(min(first, second))
    b = UInt32(max(first, second))
    self.similarity = similarity
    self.jaccard = jaccard ?? similarity
  }
}
