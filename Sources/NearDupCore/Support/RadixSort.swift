/// Least-significant-digit radix sort of unsigned integer keys, for the large sorts
/// of the pipeline (band entries, candidate pairs): one pass per digit of the bits
/// sorted on, a pass skipped when every key shares its digit. Digits are 11 bits
/// for up to 2^21 keys, whose 2,048 counters per digit stay in cache (a band of
/// 100,000 entries sorts twice as fast as with 16-bit digits), and 16 bits for more,
/// where fewer passes over the data matter more.
///
/// - Complexity: O(d·(n + 2^b)) time for d digits of b bits and O(n) extra memory;
///   small arrays fall back to the standard library's sort.
public enum RadixSort {
  /// Sorts `values` ascending by their bits above the lowest `skippingLowBits`. The
  /// sort is stable: values equal in those bits keep their order, so values already
  /// ascending in their low bits end fully sorted.
  /// - Precondition: `0 <= skippingLowBits < Key.bitWidth`.
  public static func sort<Key: FixedWidthInteger & UnsignedInteger>(_ values: inout [Key], skippingLowBits: Int = 0) {
    let count = values.count
    guard count > 4096 else {
      if skippingLowBits == 0 {
        values.sort()
      } else {
        // A stable comparison sort on the same bits.
        values = values.enumerated().sorted { x, y in
          let (high, otherHigh) = (x.element >> skippingLowBits, y.element >> skippingLowBits)
          return high != otherHigh ? high < otherHigh : x.offset < y.offset
        }.map(\.element)
      }
      return
    }
    let digitBits = count <= 1 << 21 ? 11 : 16
    let radix = 1 << digitBits
    let digitMask = Key(radix - 1)
    let digits = (Key.bitWidth - skippingLowBits + digitBits - 1) / digitBits
    var scratch = [Key](repeating: 0, count: count)
    var histogram = [Int](repeating: 0, count: digits * radix)
    values.withUnsafeMutableBufferPointer { source in
      scratch.withUnsafeMutableBufferPointer { target in
        histogram.withUnsafeMutableBufferPointer { histogram in
          for value in source {
            for digit in 0..<digits {
              histogram[digit * radix + Int(truncatingIfNeeded: (value >> (skippingLowBits + digit * digitBits)) & digitMask)] += 1
            }
          }
          var from = source
          var to = target
          for pass in 0..<digits {
            let base = pass * radix
            let shift = skippingLowBits + pass * digitBits
            // A digit shared by every key leaves the order unchanged.
            if histogram[base + Int(truncatingIfNeeded: (from[0] >> shift) & digitMask)] == count { continue }
            var offset = 0
            for digit in 0..<radix {
              let bucket = histogram[base + digit]
              histogram[base + digit] = offset
              offset += bucket
            }
            for value in from {
              let digit = base + Int(truncatingIfNeeded: (value >> shift) & digitMask)
              to[histogram[digit]] = value
              histogram[digit] += 1
            }
            swap(&from, &to)
          }
          if from.baseAddress != source.baseAddress {
            source.baseAddress!.update(from: from.baseAddress!, count: count)
          }
        }
      }
    }
  }

  /// Sorts `values` and removes repeats.
  public static func sortAndRemoveDuplicates(_ values: inout [UInt64]) {
    sort(&values)
    FingerprintSet.removeAdjacentDuplicates(&values)
  }
}
