/// A small, fast, seedable pseudo-random generator: SplitMix64 (Steele, Lea & Flood,
/// *Fast splittable pseudorandom number generators*, OOPSLA 2014).
///
/// NearDup derives every random choice from it (MinHash permutations, test data,
/// synthetic corpora), so that one seed gives the same bits on every machine.
///
/// - Invariant: the output sequence depends only on the seed.
/// - Complexity: O(1) per value.
package struct SplitMix64: RandomNumberGenerator, Sendable {
  /// The generator's state; the next value is a function of it alone.
  @usableFromInline var state: UInt64

  /// Creates a generator whose sequence is fully determined by `seed`.
  package init(seed: UInt64) {
    state = seed
  }

  /// The next 64 pseudo-random bits.
  @inlinable
  package mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z &>> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z &>> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z &>> 31)
  }
}
