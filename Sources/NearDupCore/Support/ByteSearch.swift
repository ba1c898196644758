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

  /// The index just past the empty lines ("\n" or "\r\n" alone) that begin at
  /// `start`, and how many there are: JSON Lines readers pass over runs of them at
  /// a byte comparison each instead of treating each as a line.
  /// - Precondition: `0 <= start <= count`.
  /// - Complexity: O(bytes skipped).
  func skippingEmptyLines(from start: Int) -> (index: Int, lines: Int) {
    var index = start
    var lines = 0
    while index < count {
      if self[index] == 0x0A {
        index += 1
      } else if self[index] == 0x0D && index + 1 < count && self[index + 1] == 0x0A {
        index += 2
      } else {
        break
      }
      lines += 1
    }
    return (index, lines)
  }
}
