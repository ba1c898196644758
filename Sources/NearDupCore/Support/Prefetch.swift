internal import CVectorKernels

/// Software prefetch for loops whose next accesses are known but scattered, where
/// the hardware prefetcher cannot follow: the band keys of documents a signature row
/// (512 bytes) apart, the signatures and sets of the next candidate pairs.
enum Prefetch {
  /// Hints that the cache line holding `address` will be read soon. A hint only:
  /// it never faults and changes no result.
  /// - Complexity: O(1).
  @inline(__always)
  static func line(_ address: UnsafeRawPointer) {
    cvk_prefetch(address)
  }

  /// Hints that the `bytes` bytes from `address` will be read soon, one hint per
  /// 64-byte line.
  /// - Complexity: O(bytes / 64).
  @inline(__always)
  static func bytes(_ address: UnsafeRawPointer, count bytes: Int) {
    var offset = 0
    while offset < bytes {
      cvk_prefetch(address + offset)
      offset &+= 64
    }
  }
}
