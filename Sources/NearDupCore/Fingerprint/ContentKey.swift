/// A 128-bit fingerprint of a whole document: XXH3-128 of its normalized text (the
/// tokens joined by single spaces).
///
/// Two documents have equal content keys exactly when their normalized texts are
/// identical (up to a 2⁻¹²⁸ collision chance), so identical texts are grouped by
/// key before any shingle set is compared.
package struct ContentKey: Hashable, Sendable {
  /// The low 64 bits of the hash.
  public var low: UInt64
  /// The high 64 bits of the hash.
  public var high: UInt64

  /// The seed of the content hash.
  static let seed: UInt64 = 0x4E44_0001
}
