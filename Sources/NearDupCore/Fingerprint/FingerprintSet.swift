/// Operations on fingerprint sets: sorted, duplicate-free arrays of shingle
/// fingerprints (64-bit) or of their 32-bit digests, the exact representation of a
/// document used for verification.
///
/// The exact Jaccard similarity |A ∩ B| / |A ∪ B| and containment
/// |A ∩ B| / min(|A|, |B|) of two documents are computed from these by one merge.
public enum FingerprintSet {
  /// Sorts `values` and removes repeated ones, in place.
  /// - Complexity: O(s log s) for s values.
  public static func sortAndRemoveDuplicates<Element: FixedWidthInteger>(_ values: inout [Element]) {
    guard values.count > 1 else { return }
    values.sort()
    removeAdjacentDuplicates(&values)
  }

  /// Sorts uniformly distributed hash values (fingerprints or digests) and removes
  /// repeats: one counting pass distributes them into 256 buckets by their top byte,
  /// then an insertion sort finishes the nearly sorted array. Faster than a
  /// comparison sort for the few hundred shingles of a document. `scratch` is reused.
  /// - Complexity: O(s + 256) expected for s ≤ ~1000 uniformly random values
  ///   (O(s²/256) for more; larger sets use the standard sort).
  public static func sortUniformAndRemoveDuplicates<Value: FixedWidthInteger & UnsignedInteger>(
    _ values: inout [Value], scratch: inout [Value]
  ) {
    let topByteShift = Value.bitWidth - 8
    let count = values.count
    guard count > 1 else { return }
    if count < 32 || count > 2048 {
      sortAndRemoveDuplicates(&values)
      return
    }
    if scratch.count < count { scratch = [Value](repeating: 0, count: count) }
    let unique = values.withUnsafeMutableBufferPointer { values -> Int in
      scratch.withUnsafeMutableBufferPointer { scratch -> Int in
        withUnsafeTemporaryAllocation(of: UInt16.self, capacity: 257) { starts -> Int in
          let source = values.baseAddress!
          let sorted = scratch.baseAddress!
          let starts = starts.baseAddress!
          starts.initialize(repeating: 0, count: 257)
          for index in 0..<count { starts[Int(source[index] &>> topByteShift) &+ 1] &+= 1 }
          for bucket in 0..<256 { starts[bucket &+ 1] &+= starts[bucket] }
          for index in 0..<count {
            let value = source[index]
            let bucket = Int(value &>> topByteShift)
            sorted[Int(starts[bucket])] = value
            starts[bucket] &+= 1
          }
          // Values now sit among those of their bucket: insertion sort is near linear.
          for index in 1..<count {
            let value = sorted[index]
            var position = index
            while position > 0 && sorted[position &- 1] > value {
              sorted[position] = sorted[position &- 1]
              position &-= 1
            }
            sorted[position] = value
          }
          // Copy back without repeats.
          var write = 0
          for index in 0..<count where write == 0 || sorted[index] != source[write &- 1] {
            source[write] = sorted[index]
            write &+= 1
          }
          return write
        }
      }
    }
    values.removeLast(count - unique)
  }

  /// Removes repeats from a sorted array.
  /// - Complexity: O(n).
  static func removeAdjacentDuplicates<Element: Equatable>(_ values: inout [Element]) {
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

  /// |a ∩ b| of two sorted, duplicate-free sets.
  ///
  /// Merges when the sizes are comparable, and gallops (exponential then binary
  /// search of each element of the smaller set) when one is over 16 times larger.
  /// - Complexity: O(|a| + |b|), or O(m log(M/m)) for sizes m ≤ M when galloping.
  public static func intersectionCount<Element: FixedWidthInteger>(
    _ a: UnsafeBufferPointer<Element>, _ b: UnsafeBufferPointer<Element>
  ) -> Int {
    let (small, large) = a.count <= b.count ? (a, b) : (b, a)
    if small.isEmpty { return 0 }
    if large.count > 16 * small.count { return gallopingIntersectionCount(small, large) }
    var i = 0
    var j = 0
    var count = 0
    while i < small.count && j < large.count {
      let x = small[i]
      let y = large[j]
      count += x == y ? 1 : 0
      // Branch-free advance: whichever is smaller moves (both on equality).
      i += x <= y ? 1 : 0
      j += y <= x ? 1 : 0
    }
    return count
  }

  private static func gallopingIntersectionCount<Element: FixedWidthInteger>(
    _ small: UnsafeBufferPointer<Element>, _ large: UnsafeBufferPointer<Element>
  ) -> Int {
    var count = 0
    var low = 0
    for x in small {
      var step = 1
      var high = low
      while high < large.count && large[high] < x {
        low = high + 1
        high += step
        step *= 2
      }
      high = min(high, large.count - 1)
      var lo = low
      var hi = high
      while lo <= hi {
        let mid = (lo + hi) / 2
        if large[mid] < x { lo = mid + 1 } else { hi = mid - 1 }
      }
      low = lo
      if low < large.count && large[low] == x { count += 1 }
      if low >= large.count { break }
    }
    return count
  }

  /// The similarity of two sorted, duplicate-free sets under `measure`; 0 when
  /// either set is empty.
  /// - Complexity: that of `intersectionCount`.
  public static func similarity<Element: FixedWidthInteger>(
    _ a: UnsafeBufferPointer<Element>, _ b: UnsafeBufferPointer<Element>, measure: SimilarityMeasure
  ) -> Double {
    measure.similarity(intersection: intersectionCount(a, b), a.count, b.count)
  }

  /// The similarity of two sorted, duplicate-free arrays under `measure`.
  public static func similarity<Element: FixedWidthInteger>(_ a: [Element], _ b: [Element], measure: SimilarityMeasure)
    -> Double
  {
    a.withUnsafeBufferPointer { a in b.withUnsafeBufferPointer { b in similarity(a, b, measure: measure) } }
  }

  /// The 32-bit digest of a fingerprint: its high half. Sets of digests stand in for
  /// fingerprint sets in verification at half the memory; two distinct shingles
  /// share a digest with probability 2^-32.
  @inline(__always)
  public static func digest(_ fingerprint: UInt64) -> UInt32 { UInt32(truncatingIfNeeded: fingerprint &>> 32) }
}
