#if canImport(Glibc)
  import Glibc
#endif

/// Transparent huge pages for the corpus's largest arrays.
///
/// The signature matrix and the digest store of a large corpus take hundreds of
/// megabytes to gigabytes, reserved once and then filled document by document. With
/// 4 KiB pages the kernel takes one page fault per 4 KiB on first write (about half a
/// million faults at a million documents); advising huge pages on the reserved range
/// lets it map 2 MiB at a time. Linux only, and a hint: where transparent huge pages
/// are disabled the advice is ignored and nothing changes.
enum HugePages {
  /// Arrays smaller than this are left alone: they span few pages anyway.
  static let minimumBytes = 8 << 20
  /// The huge page size on x86-64 and most arm64 kernels.
  static let hugePageBytes = 2 << 20

  /// Advises huge pages for the whole reserved capacity of `values`.
  /// - Complexity: O(1) (one system call).
  static func advise<Element>(_ values: inout ContiguousArray<Element>) {
    let bytes = values.capacity * MemoryLayout<Element>.stride
    values.withUnsafeMutableBufferPointer { advise(UnsafeMutableRawPointer($0.baseAddress), bytes: bytes) }
  }

  /// Advises huge pages for the whole reserved capacity of `values`.
  /// - Complexity: O(1) (one system call).
  static func advise<Element>(_ values: inout [Element]) {
    let bytes = values.capacity * MemoryLayout<Element>.stride
    values.withUnsafeMutableBufferPointer { advise(UnsafeMutableRawPointer($0.baseAddress), bytes: bytes) }
  }

  /// Advises huge pages for the 2 MiB-aligned part of `bytes` bytes at `start`.
  private static func advise(_ start: UnsafeMutableRawPointer?, bytes: Int) {
    #if os(Linux)
      guard let start, bytes >= minimumBytes else { return }
      let address = UInt(bitPattern: start)
      let mask = UInt(hugePageBytes - 1)
      let first = (address + mask) & ~mask
      let last = (address + UInt(bytes)) & ~mask
      guard last > first, let aligned = UnsafeMutableRawPointer(bitPattern: first) else { return }
      _ = madvise(aligned, Int(last - first), MADV_HUGEPAGE)
    #endif
  }
}
