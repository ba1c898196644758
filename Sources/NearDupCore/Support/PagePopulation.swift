#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// Maps the fresh pages a large array is about to be written into, in one system
/// call instead of one page fault per 4 KiB page.
///
/// The corpus-wide stores (the signature matrix, the digest sets) are reserved for
/// the whole input up front and filled block after block by the collector; each
/// first write to a page used to trap into the kernel. On Linux 5.14 and later,
/// `madvise(MADV_POPULATE_WRITE)` maps and zeroes a whole range of them at once,
/// which is cheaper than a trap per page (docs/Performance.md has the measurement).
/// The pages' contents do not change (fresh pages read as
/// zeros either way), so no result depends on it; where the call is missing or
/// refused, the pages fault in on first write as before.
enum PagePopulation {
  /// Ranges smaller than this are left to fault in: a few pages gain nothing.
  static let minimumByteCount = 256 << 10

  /// `MADV_POPULATE_WRITE`, which Glibc's headers of older distributions lack.
  private static let populateWrite: Int32 = 23

  /// Maps the whole pages inside `byteCount` bytes from `start` for writing.
  /// - Precondition: the range lies inside one allocation of this process.
  /// - Complexity: O(pages) in the kernel.
  static func populate(_ start: UnsafeMutableRawPointer, byteCount: Int) {
    #if os(Linux)
      let page = Int(getpagesize())
      let lower = (Int(bitPattern: start) + page - 1) & ~(page - 1)
      let upper = (Int(bitPattern: start) + byteCount) & ~(page - 1)
      guard upper - lower >= minimumByteCount, let first = UnsafeMutableRawPointer(bitPattern: lower) else { return }
      _ = madvise(first, upper - lower, populateWrite)
    #endif
  }

  /// Maps the pages of the `additional` elements that follow `used` (an array's
  /// elements) in its storage of `capacity` elements, for a caller about to append
  /// them; nothing when they do not fit the capacity (appending will reallocate).
  /// Changes no element.
  /// - Complexity: O(additional) in the kernel.
  static func populateSpareCapacity<Element>(
    after used: UnsafeMutableBufferPointer<Element>, capacity: Int, additional: Int
  ) {
    guard additional > 0, capacity - used.count >= additional, let base = used.baseAddress else { return }
    populate(UnsafeMutableRawPointer(base + used.count), byteCount: additional * MemoryLayout<Element>.stride)
  }
}
