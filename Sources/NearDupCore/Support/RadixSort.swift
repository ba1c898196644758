/// Least-significant-digit radix sort of 64-bit keys, for the large sorts of the
/// pipeline (band entries, candidate pairs): 16-bit digits, four passes, a pass
/// skipped when every key shares its digit.
///
/// - Complexity: O(4·(n + 2^16)) time and O(n) extra memory; small arrays fall back
///   to the standard library's sort.
public enum RadixSort {
  /// Sorts `values` ascending.
  public static func sort(_ values: inout [UInt64]) {
    let count = values.count
    guard count > 4096 else {
      values.sort()
      return
    }
    var scratch = [UInt64](repeating: 0, count: count)
    var histogram = [Int](repeating: 0, count: 4 << 16)
    values.withUnsafeMutableBufferPointer { source in
      scratch.withUnsafeMutableBufferPointer { target in
        histogram.withUnsafeMutableBufferPointer { histogram in
          for value in source {
            histogram[Int(value & 0xFFFF)] += 1
            histogram[65536 + Int((value >> 16) & 0xFFFF)] += 1
            histogram[131_072 + Int((value >> 32) & 0xFFFF)] += 1
            histogram[196_608 + Int(value >> 48)] += 1
          }
          var from = source
          var to = target
          for pass in 0..<4 {
            let base = pass << 16
            let shift = UInt64(pass * 16)
            // A digit shared by every key leaves the order unchanged.
            if histogram[base + Int((from[0] >> shift) & 0xFFFF)] == count { continue }
            var offset = 0
            for digit in 0..<65536 {
              let bucket = histogram[base + digit]
              histogram[base + digit] = offset
              offset += bucket
            }
            for value in from {
              let digit = base + Int((value >> shift) & 0xFFFF)
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
    guard values.count > 1 else { return }
    let unique = values.withUnsafeMutableBufferPointer { buffer -> Int in
      var write = 1
      for read in 1..<buffer.count where buffer[read] != buffer[write - 1] {
        buffer[write] = buffer[read]
        write += 1
      }
      return write
    }
    values.removeLast(values.count - unique)
  }
}
