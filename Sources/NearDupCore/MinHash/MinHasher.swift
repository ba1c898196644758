/// Computes MinHash signatures: for each of k permutations of the fingerprint space,
/// the smallest permuted fingerprint of a document (Broder, *On the resemblance and
/// containment of documents*, 1997).
///
/// Permutation i is the multiply-shift hash h_i(f) = (a_i · f + b_i) >> 32 over 64-bit
/// words (Dietzfelbinger et al. 1997), with a_i odd and a_i, b_i drawn from
/// `SplitMix64(seed)`. Its top 32 bits are the slot value, so a signature is k
/// `UInt32`s, and the probability that two documents agree in a slot is their Jaccard
/// similarity.
///
/// ```swift
/// let hasher = MinHasher(.default)
/// let a = hasher.signature(of: shingler.fingerprintSet(of: "…"))
/// ```
///
/// - Invariant: `multipliers.count == increments.count == parameters.permutationCount`,
///   and every multiplier is odd. The same seed gives the same signatures on every
///   machine and thread count.
public struct MinHasher: Sendable {
  /// The parameters the permutations come from.
  public let parameters: SketchParameters
  /// a_i, odd.
  @usableFromInline let multipliers: [UInt64]
  /// b_i.
  @usableFromInline let increments: [UInt64]

  /// Draws the k permutations for `parameters`.
  /// - Complexity: O(k).
  public init(_ parameters: SketchParameters) {
    self.parameters = parameters
    var random = SplitMix64(seed: parameters.seed)
    var multipliers: [UInt64] = []
    var increments: [UInt64] = []
    for _ in 0..<parameters.permutationCount {
      multipliers.append(random.next() | 1)
      increments.append(random.next())
    }
    self.multipliers = multipliers
    self.increments = increments
  }

  /// k, the number of slots in a signature.
  @inlinable public var permutationCount: Int { multipliers.count }

  /// Writes the signature of a document with `fingerprints` into `out`;
  /// allocation-free. With no fingerprints every slot is `UInt32.max`.
  ///
  /// The loop is permutation-major: a_i, b_i and the running minimum stay in
  /// registers while the fingerprints stream past, and the compiler vectorizes it.
  /// Duplicate fingerprints do not change the result.
  ///
  /// - Precondition: `out.count == permutationCount`.
  /// - Complexity: O(s·k) for s fingerprints and k permutations.
  public func sketch(
    _ fingerprints: UnsafeBufferPointer<UInt64>, into out: UnsafeMutableBufferPointer<UInt32>
  ) {
    precondition(out.count == multipliers.count, "signature has \(out.count) slots, expected \(multipliers.count)")
    multipliers.withUnsafeBufferPointer { a in
      increments.withUnsafeBufferPointer { b in
        for slot in 0..<out.count {
          let (ak, bk) = (a[slot], b[slot])
          var minimum = UInt32.max
          for fingerprint in fingerprints {
            minimum = min(minimum, UInt32(truncatingIfNeeded: (ak &* fingerprint &+ bk) &>> 32))
          }
          out[slot] = minimum
        }
      }
    }
  }

  /// The signature of a document with `fingerprints`.
  /// - Complexity: O(s·k).
  public func signature(of fingerprints: [UInt64]) -> Signature {
    var values = [UInt32](repeating: 0, count: permutationCount)
    fingerprints.withUnsafeBufferPointer { fingerprints in
      values.withUnsafeMutableBufferPointer { sketch(fingerprints, into: $0) }
    }
    return Signature(values: values)
  }
}
