/// Least-significant-digit radix sort of unsigned integer keys, for the large sorts
/// of the pipeline (band entries, candidate pairs): 16-bit digits, one pass per
/// digit of the bits sorted on (four for 64-bit keys, two for 32-bit keys), a pass
/// skipped when every key shares its digit.
///
/// - Complexity: O(d·(n + 2^16)) time for d digits and O(n) extra memory; small
///   arrays fall back to the standard library's sort.
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
    let digits = (Key.bitWidth - skippingLowBits + 15) / 16
    var scratch = [Key](repeating: 0, count: count)
    var histogram = [Int](repeating: 0, count: digits << 16)
    values.withUnsafeMutableBufferPointer { source in
      scratch.withUnsafeMutableBufferPointer { target in
        histogram.withUnsafeMutableBufferPointer { histogram in
          for value in source {
            for digit in 0..<digits {
              histogram[digit << 16 + Int(truncatingIfNeeded: (value >> (skippingLowBits + digit * 16)) & 0xFFFF)] += 1
            }
          }
          var from = source
          var to = target
          for pass in 0..<digits {
            let base = pass << 16
            let shift = skippingLowBits + pass * 16
            // A digit shared by every key leaves the order unchanged.
            if histogram[base + Int(truncatingIfNeeded: (from[0] >> shift) & 0xFFFF)] == count { continue }
            var offset = 0
            for digit in 0..<65536 {
              let bucket = histogram[base + digit]
              histogram[base + digit] = offset
              offset += bucket
            }
            for value in from {
              let digit = base + Int(truncatingIfNeeded: (value >> shift) & 0xFFFF)
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
