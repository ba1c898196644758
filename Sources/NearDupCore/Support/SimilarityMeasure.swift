/// What "similar" means between two shingle sets A and B.
public enum SimilarityMeasure: String, Sendable, CaseIterable, Codable {
  /// Jaccard similarity |A ∩ B| / |A ∪ B|: symmetric, low when one document carries
  /// much text the other lacks.
  case jaccard
  /// Containment |A ∩ B| / min(|A|, |B|): how much of the smaller document appears in
  /// the larger. A story embedded in a page with a long boilerplate tail, or cut
  /// short, keeps a high containment with its source.
  case containment

  /// The similarity of sets of sizes `a` and `b` that share `intersection` elements;
  /// 0 when either set is empty.
  /// - Complexity: O(1).
  @inlinable
  package func similarity(intersection: Int, _ a: Int, _ b: Int) -> Double {
    guard a > 0, b > 0 else { return 0 }
    switch self {
    case .jaccard: return Double(intersection) / Double(a + b - intersection)
    case .containment: return Double(intersection) / Double(min(a, b))
    }
  }

  /// The similarity under this measure of sets of sizes `a` and `b` whose Jaccard
  /// similarity is `jaccard` (used with estimated Jaccard from signatures).
  /// - Complexity: O(1).
  @inlinable
  package func similarity(fromJaccard jaccard: Double, _ a: Int, _ b: Int) -> Double {
    switch self {
    case .jaccard: return jaccard
    case .containment:
      guard a > 0, b > 0 else { return 0 }
      // |A ∩ B| = J (|A| + |B|) / (1 + J).
      let intersection = jaccard * Double(a + b) / (1 + jaccard)
      return min(1, intersection / Double(min(a, b)))
    }
  }
}
