/// The MinHash signature of one document: for each of k permutations, the smallest
/// permuted fingerprint over its shingles. The fraction of positions where two
/// signatures agree estimates their Jaccard similarity (Broder, 1997), with standard
/// error sqrt(J(1 − J)/k).
///
/// - Invariant: `values.count` is the permutation count of the parameters it came
///   from. An empty document has every value equal to `UInt32.max`.
package struct Signature: Hashable, Sendable {
  /// The k slot values.
  package var values: [UInt32]

  /// Wraps slot values.
  package init(values: [UInt32]) {
    self.values = values
  }

  /// Estimated Jaccard similarity with `other`, in 0...1.
  /// - Precondition: Both signatures come from the same `SketchParameters`.
  /// - Complexity: O(k).
  @inlinable
  package func estimatedJaccard(with other: Signature) -> Double {
    precondition(
      values.count == other.values.count,
      "signatures of \(values.count) and \(other.values.count) slots are not comparable")
    return values.withUnsafeBufferPointer { a in
      other.values.withUnsafeBufferPointer { b in Self.estimatedJaccard(a, b) }
    }
  }

  /// Estimated Jaccard similarity of two signatures given as slot buffers.
  /// - Precondition: `a.count == b.count`.
  /// - Complexity: O(k).
  @inlinable
  package static func estimatedJaccard(_ a: UnsafeBufferPointer<UInt32>, _ b: UnsafeBufferPointer<UInt32>)
    -> Double
  {
    precondition(a.count == b.count, "signatures of \(a.count) and \(b.count) slots are not comparable")
    guard !a.isEmpty else { return 0 }
    // Without a branch or an overflow check per slot, the loop vectorizes.
    var equal: UInt32 = 0
    for slot in 0..<a.count { equal &+= a[slot] == b[slot] ? 1 : 0 }
    return Double(equal) / Double(a.count)
  }
}
