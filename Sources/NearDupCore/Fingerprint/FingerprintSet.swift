/// Operations on fingerprint sets: sorted, duplicate-free arrays of 64-bit shingle
/// fingerprints, the exact representation of a document used for verification.
///
/// The exact Jaccard similarity |A ∩ B| / |A ∪ B| and containment
/// |A ∩ B| / min(|A|, |B|) of two documents are computed from these by one merge.
public enum FingerprintSet {
  /// Sorts `fingerprints` and removes repeated values, in place.
  /// - Complexity: O(s log s) for s fingerprints.
  public static func sortAndRemoveDuplicates(_ fingerprints: inout [UInt64]) {
    guard fingerprints.count > 1 else { return }
    fingerprints.sort()
    let unique = fingerprints.withUnsafeMutableBufferPointer { buffer -> Int in
      var write = 1
      for read in 1..<buffer.count where buffer[read] != buffer[write - 1] {
        buffer[write] = buffer[read]
        write += 1
      }
      return write
    }
    fingerprints.removeLast(fingerprints.count - unique)
  }

  /// |a ∩ b| of two sorted, duplicate-free sets.
  ///
  /// Merges when the sizes are comparable, and gallops (exponential then binary
  /// search of each element of the smaller set) when one is over 16 times larger.
  /// - Complexity: O(|a| + |b|), or O(m log(M/m)) for sizes m ≤ M when galloping.
  public static func intersectionCount(
    _ a: UnsafeBufferPointer<UInt64>, _ b: UnsafeBufferPointer<UInt64>
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
      if x == y { count += 1 }
      // Branch-free advance: whichever is smaller moves (both on equality).
      i += x <= y ? 1 : 0
      j += y <= x ? 1 : 0
    }
    return count
  }

  private static func gallopingIntersectionCount(
    _ small: UnsafeBufferPointer<UInt64>, _ large: UnsafeBufferPointer<UInt64>
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
      // Binary search for x in large[low...high].
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
  public static func similarity(
    _ a: UnsafeBufferPointer<UInt64>, _ b: UnsafeBufferPointer<UInt64>, measure: SimilarityMeasure
  ) -> Double {
    measure.similarity(intersection: intersectionCount(a, b), a.count, b.count)
  }

  /// The similarity of two sorted, duplicate-free arrays under `measure`.
  public static func similarity(_ a: [UInt64], _ b: [UInt64], measure: SimilarityMeasure) -> Double {
    a.withUnsafeBufferPointer { a in b.withUnsafeBufferPointer { b in similarity(a, b, measure: measure) } }
  }
}
