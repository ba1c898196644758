/// Radix sort of unsigned integer keys, for the large sorts of the pipeline (band
/// entries, candidate pairs), built to stay in cache:
///
/// 1. One pass finds the bits that vary between the keys (bits every key shares,
///    such as the high bits of small document numbers, cost nothing).
/// 2. A most-significant-digit pass scatters the keys into 2^m buckets by the top
///    m varying bits: the one pass over the whole array, with few enough buckets
///    that every bucket holds at least 256 keys.
/// 3. Each bucket, now small enough to sit in cache, is sorted by least-significant
///    8-bit digits on the remaining bits; m is chosen so that they take as few of
///    these passes as the bucket sizes allow.
///
/// Least-significant digits alone would make every pass scatter over the whole
/// array, out of cache once it outgrows it; the first pass makes the rest local
/// (docs/Performance.md compares the two).
///
/// - Complexity: O(n·(1 + d) + 2^m·d) time for d remaining 8-bit digits, and O(n)
///   extra memory; arrays of up to 4,096 keys use the standard library's sort.
package enum RadixSort {
  /// Sorts `values` ascending by their bits above the lowest `skippingLowBits`. The
  /// sort is stable: values equal in those bits keep their order, so values already
  /// ascending in their low bits end fully sorted.
  /// - Precondition: `0 <= skippingLowBits < Key.bitWidth`.
  package static func sort<Key: FixedWidthInteger & UnsignedInteger>(_ values: inout [Key], skippingLowBits: Int = 0) {
    values.withUnsafeMutableBufferPointer { sort($0, skippingLowBits: skippingLowBits) }
  }

  /// Sorts the keys of a buffer in place, as `sort(_:skippingLowBits:)` sorts an array.
  static func sort<Key: FixedWidthInteger & UnsignedInteger>(
    _ values: UnsafeMutableBufferPointer<Key>, skippingLowBits: Int = 0
  ) {
    let count = values.count
    guard count > 4096 else {
      if skippingLowBits == 0 {
        var values = values
        values.sort()
      } else {
        // A stable comparison sort on the same bits.
        let sorted = values.enumerated().sorted { x, y in
          let (high, otherHigh) = (x.element >> skippingLowBits, y.element >> skippingLowBits)
          return high != otherHigh ? high < otherHigh : x.offset < y.offset
        }
        for (index, element) in sorted.enumerated() { values[index] = element.element }
      }
      return
    }
    var scratch = [Key](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
    scratch.withUnsafeMutableBufferPointer { scratch in
      // 1. The varying bits: [skippingLowBits, top).
      let first = values[0] >> skippingLowBits
      var varying: Key = 0
      for value in values { varying |= (value >> skippingLowBits) ^ first }
      guard varying != 0 else { return }
      let keyBits = Key.bitWidth - varying.leadingZeroBitCount
      let top = skippingLowBits + keyBits
      // 2. The top m varying bits, with buckets of at least 256 keys on average;
      // the remaining bits in as few 8-bit digits as that allows.
      let mostBuckets = min(16, Int.bitWidth - 1 - (count / 256).leadingZeroBitCount)
      let bucketBits =
        keyBits <= mostBuckets ? keyBits : max(1, keyBits - 8 * ((keyBits - mostBuckets + 7) / 8))
      let bucketShift = top - bucketBits
      let bucketMask = Key((1 << bucketBits) - 1)
      var starts = [Int](repeating: 0, count: (1 << bucketBits) + 1)
      var histogram = [Int](repeating: 0, count: 256)
      starts.withUnsafeMutableBufferPointer { starts in
        for value in values { starts[Int(truncatingIfNeeded: (value >> bucketShift) & bucketMask) &+ 1] &+= 1 }
        for bucket in 0..<(1 << bucketBits) { starts[bucket + 1] &+= starts[bucket] }
        // `starts[b]` is bucket b's next free slot while scattering, then its end:
        // bucket b ends up as scratch[(b == 0 ? 0 : starts[b - 1]) ..< starts[b]].
        for value in values {
          let bucket = Int(truncatingIfNeeded: (value >> bucketShift) & bucketMask)
          scratch[starts[bucket]] = value
          starts[bucket] &+= 1
        }
        // 3. Every bucket by 8-bit digits, in cache; the result goes back to `values`.
        histogram.withUnsafeMutableBufferPointer { histogram in
          var lower = 0
          for bucket in 0..<(1 << bucketBits) {
            let upper = starts[bucket]
            defer { lower = upper }
            guard upper > lower else { continue }
            let part = UnsafeMutableBufferPointer(rebasing: scratch[lower..<upper])
            let home = UnsafeMutableBufferPointer(rebasing: values[lower..<upper])
            let sorted = sortByDigits(part, scratch: home, bits: skippingLowBits..<bucketShift, histogram: histogram)
            if sorted.baseAddress != home.baseAddress {
              home.baseAddress!.update(from: part.baseAddress!, count: part.count)
            }
          }
        }
      }
    }
  }

  /// Sorts `keys` stably on `bits` by least-significant 8-bit digits, alternating
  /// between `keys` and `scratch`; returns the buffer that holds the result. A
  /// digit shared by every key costs one counting pass and no move.
  /// - Complexity: O(⌈bits.count / 8⌉·(keys.count + 256)).
  @inline(__always)
  private static func sortByDigits<Key: FixedWidthInteger & UnsignedInteger>(
    _ keys: UnsafeMutableBufferPointer<Key>, scratch: UnsafeMutableBufferPointer<Key>, bits: Range<Int>,
    histogram: UnsafeMutableBufferPointer<Int>
  ) -> UnsafeMutableBufferPointer<Key> {
    var from = keys
    var to = scratch
    let count = keys.count
    guard count > 1 else { return keys }
    var shift = bits.lowerBound
    while shift < bits.upperBound {
      let mask = Key((1 << min(8, bits.upperBound - shift)) - 1)
      histogram.update(repeating: 0)
      for value in from { histogram[Int(truncatingIfNeeded: (value >> shift) & mask)] &+= 1 }
      if histogram[Int(truncatingIfNeeded: (from[0] >> shift) & mask)] != count {
        var offset = 0
        for digit in 0..<256 {
          let size = histogram[digit]
          histogram[digit] = offset
          offset &+= size
        }
        for value in from {
          let digit = Int(truncatingIfNeeded: (value >> shift) & mask)
          to[histogram[digit]] = value
          histogram[digit] &+= 1
        }
        swap(&from, &to)
      }
      shift &+= 8
    }
    return from
  }

  /// Sorts `values` and removes repeats.
  package static func sortAndRemoveDuplicates(_ values: inout [UInt64]) {
    let unique = values.withUnsafeMutableBufferPointer { sortAndRemoveDuplicates($0) }
    values.removeLast(values.count - unique)
  }

  /// Sorts the buffer and moves its distinct keys to the front; returns their number.
  static func sortAndRemoveDuplicates<Key: FixedWidthInteger & UnsignedInteger>(
    _ values: UnsafeMutableBufferPointer<Key>
  ) -> Int {
    sort(values)
    return values.moveAdjacentDistinctToFront()
  }
}
