internal import CXXHash

/// XXH3, the hash behind every fingerprint, content key and band key.
///
/// It calls the system xxHash library (libxxhash) through the thin wrappers of the
/// shim in the `CXXHash` target; this is the only Swift file that imports it.
///
/// ```swift
/// XXH3.hash("") == 0x2D06_8005_38D3_94C2
/// ```
package enum XXH3 {
  /// XXH3-64 of the bytes at `pointer`.
  /// - Complexity: O(count).
  @usableFromInline
  static func hash(_ pointer: UnsafeRawPointer?, count: Int, seed: UInt64) -> UInt64 {
    cxxhash_xxh3_64(pointer, count, seed)
  }

  /// XXH3-64 (seed 0) of the `count` bytes at `pointer`, a shingle: the value of
  /// `hash(_:count:seed:)`, without a mispredicted length branch for 17 to 64 bytes.
  /// - Precondition: when `count` is 17 to 64, 32 bytes from `pointer` are readable.
  /// - Complexity: O(count).
  @inline(__always)
  static func hashShingle(_ pointer: UnsafeRawPointer, count: Int) -> UInt64 {
    cxxhash_xxh3_64_shingle(pointer, count)
  }

  /// XXH3-128 of the `count` bytes at `pointer` with `seed`, as its two halves.
  /// - Complexity: O(count).
  package static func hash128(_ pointer: UnsafeRawPointer?, count: Int, seed: UInt64) -> (low: UInt64, high: UInt64) {
    var low: UInt64 = 0
    var high: UInt64 = 0
    cxxhash_xxh3_128(pointer, count, seed, &low, &high)
    return (low, high)
  }

  /// XXH3-64 of `bytes` with `seed`.
  /// - Complexity: O(bytes.count).
  package static func hash(_ bytes: UnsafeRawBufferPointer, seed: UInt64 = 0) -> UInt64 {
    hash(bytes.baseAddress, count: bytes.count, seed: seed)
  }

  /// XXH3-64 of the UTF-8 bytes of `string` with `seed`.
  /// - Complexity: O(string.utf8.count).
  package static func hash(_ string: String, seed: UInt64 = 0) -> UInt64 {
    var copy = string
    return copy.withUTF8 { hash(UnsafeRawBufferPointer($0), seed: seed) }
  }

  /// XXH3-64 of the little-endian bytes of `slots`.
  /// - Complexity: O(slots.count).
  package static func hash(littleEndianSlots slots: UnsafeBufferPointer<UInt32>, seed: UInt64 = 0)
    -> UInt64
  {
    #if _endian(little)
      return hash(UnsafeRawBufferPointer(slots), seed: seed)
    #else
      let swapped = slots.map(\.littleEndian)
      return swapped.withUnsafeBytes { hash($0, seed: seed) }
    #endif
  }
}
