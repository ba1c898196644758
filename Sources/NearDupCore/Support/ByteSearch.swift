#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

extension UnsafeBufferPointer<UInt8> {
  /// The index of the first `byte` at or after `start`, or nil: `memchr`, which
  /// scans a vector register at a time, for the line ends and separators the readers
  /// look for.
  /// - Precondition: `0 <= start <= count`.
  /// - Complexity: O(count − start).
  @inline(__always)
  func firstIndex(of byte: UInt8, from start: Int) -> Int? {
    guard let base = baseAddress, start < count,
      let found = memchr(base + start, Int32(byte), count - start)
    else { return nil }
    return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
  }
}
