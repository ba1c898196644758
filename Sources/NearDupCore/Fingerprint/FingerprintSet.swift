internal import CVectorKernels

/// Operations on fingerprint sets: sorted, duplicate-free arrays of shingle
/// fingerprints (64-bit) or of their 32-bit digests, the exact representation of a
/// document used for verification.
///
/// The exact Jaccard similarity |A ∩ B| / |A ∪ B| and containment
/// |A ∩ B| / min(|A|, |B|) of two documents are computed from these by one merge.
package enum FingerprintSet {
  /// Sorts `values` and removes repeated ones, in place.
  /// - Complexity: O(s log s) for s values.
  package static func sortAndRemoveDuplicates<Element: FixedWidthInteger>(_ values: inout [Element]) {
    guard values.count > 1 else { return }
    values.sort()
    values.removeAdjacentDuplicates()
  }

  /// Sorts uniformly distributed hash values (fingerprints or digests) and removes
  /// repeats, in place, with `bucketSort`.
  /// - Complexity: O(s) expected for s ≤ 4,096 uniformly random values; the
  ///   standard sort, O(s log s), for more.
  package static func sortUniformAndRemoveDuplicates<Value: FixedWidthInteger & UnsignedInteger>(
    _ values: inout [Value], scratch: inout [Value]
  ) {
    let count = values.count
    guard count > 1 else { return }
    guard bucketSortHandles(count) else { return sortAndRemoveDuplicates(&values) }
    growScratch(&scratch, forBucketSortOf: count)
    let unique = values.withUnsafeMutableBufferPointer { values in
      scratch.withUnsafeMutableBufferPointer { scratch in
        bucketSort(UnsafeBufferPointer(values), key: { $0 }, scratch: scratch.baseAddress!, output: values.baseAddress!)
      }
    }
    values.removeLast(count - unique)
  }

  /// Writes the sorted, duplicate-free 32-bit digests of `fingerprints` (in any
  /// order, with repeats) into `digests`, replacing its contents, with `bucketSort`.
  /// - Complexity: O(s) expected for s ≤ 4,096 fingerprints; O(s log s) for more.
  package static func sortedUniqueDigests(
    of fingerprints: UnsafeBufferPointer<UInt64>, into digests: inout [UInt32], scratch: inout [UInt32]
  ) {
    let count = fingerprints.count
    guard bucketSortHandles(count) else {
      digests.removeAll(keepingCapacity: true)
      digests.append(contentsOf: fingerprints.lazy.map(digest))
      return sortAndRemoveDuplicates(&digests)
    }
    growScratch(&scratch, forBucketSortOf: count)
    digests.resize(to: count, filling: 0)  // `bucketSort` writes the first `unique`
    let unique = digests.withUnsafeMutableBufferPointer { digests in
      scratch.withUnsafeMutableBufferPointer { scratch in
        bucketSort(fingerprints, key: digest, scratch: scratch.baseAddress!, output: digests.baseAddress!)
      }
    }
    digests.removeLast(count - unique)
  }

  /// Writes the digests of the sorted, duplicate-free `fingerprints` into `digests`,
  /// replacing its contents: sorted already (a digest is the high half), and only
  /// adjacent ones can repeat.
  /// - Complexity: O(s) for s fingerprints.
  static func uniqueDigests(ofSorted fingerprints: UnsafeBufferPointer<UInt64>, into digests: inout [UInt32]) {
    digests.removeAll(keepingCapacity: true)
    digests.append(contentsOf: fingerprints.lazy.map(digest))
    digests.removeAdjacentDuplicates()
  }

  /// Whether `bucketSort` takes `count` values: fewer are sorted faster by the
  /// standard sort, more would crowd its buckets (eight values each at most).
  @inline(__always)
  static func bucketSortHandles(_ count: Int) -> Bool { (32...4096).contains(count) }

  /// The bucket count of `bucketSort` for `count` values, as a power of two: about
  /// as many buckets as values, 256 to 512 (whose 16-bit counters, 1 KiB, live on
  /// the stack).
  @inline(__always)
  static func bucketBits(_ count: Int) -> Int { count > 256 ? 9 : 8 }

  /// Grows `scratch` to the sorted copy `bucketSort` needs for `count` values.
  /// Reused, it makes the sorts allocation-free.
  @inline(__always)
  static func growScratch<Value: FixedWidthInteger>(_ scratch: inout [Value], forBucketSortOf count: Int) {
    if scratch.count < count { scratch = [Value](repeating: 0, count: count) }
  }

  /// Sorts the uniformly distributed keys `key(source[i])` and writes them without
  /// repeats to `output`; returns how many it wrote. One counting pass distributes
  /// the keys into the sorted copy `scratch` by their top bits, over about as many
  /// buckets as keys (`bucketBits`); an insertion sort then finishes the nearly
  /// sorted copy, and one pass copies it to `output` without repeats. Faster than a
  /// comparison sort for the hundreds to thousands of shingles of a document.
  /// - Precondition: `bucketSortHandles(source.count)`; `scratch` and `output` hold
  ///   `source.count` values; `output` may be `source` itself (it is written only
  ///   after the last read of `source`), `scratch` may not.
  /// - Complexity: O(s) expected for s uniformly random keys.
  @inline(__always)
  static func bucketSort<Source, Value: FixedWidthInteger & UnsignedInteger>(
    _ source: UnsafeBufferPointer<Source>, key: (Source) -> Value, scratch sorted: UnsafeMutablePointer<Value>,
    output: UnsafeMutablePointer<Value>
  ) -> Int {
    let count = source.count
    let bucketBits = bucketBits(count)
    let bucketShift = Value.bitWidth - bucketBits
    let bucketCount = 1 << bucketBits
    withUnsafeTemporaryAllocation(of: UInt16.self, capacity: bucketCount) { starts in
      let starts = starts.baseAddress!
      starts.initialize(repeating: 0, count: bucketCount)
      for index in 0..<count { starts[Int(truncatingIfNeeded: key(source[index]) &>> bucketShift)] &+= 1 }
      var total: UInt16 = 0
      for bucket in 0..<bucketCount {
        let size = starts[bucket]
        starts[bucket] = total
        total &+= size
      }
      for index in 0..<count {
        let value = key(source[index])
        let bucket = Int(truncatingIfNeeded: value &>> bucketShift)
        sorted[Int(starts[bucket])] = value
        starts[bucket] &+= 1
      }
    }
    // Values now sit among those of their bucket, about one per bucket. An
    // insertion sort finishes: each value is first swapped with its predecessor
    // without a branch (the larger of the two is carried to the next step in a
    // register), and walks further back only when it is smaller than the value two
    // places before it, which takes three values in one bucket and so is rare and
    // well predicted.
    var previous = sorted[0]
    for index in 1..<count {
      let value = sorted[index]
      let smaller = Swift.min(previous, value)
      previous = Swift.max(previous, value)
      var position = index &- 1
      if position > 0 && sorted[position &- 1] > smaller {
        repeat {
          sorted[position] = sorted[position &- 1]
          position &-= 1
        } while position > 0 && sorted[position &- 1] > smaller
      }
      sorted[position] = smaller
    }
    sorted[count &- 1] = previous
    // Without a branch per value: each value is written, and kept (the write
    // position advances) unless it repeats its predecessor.
    output[0] = sorted[0]
    var write = 1
    for index in 1..<count {
      let value = sorted[index]
      output[write] = value
      write &+= value != sorted[index &- 1] ? 1 : 0
    }
    return write
  }

  /// |a ∩ b| of two sorted, duplicate-free sets.
  ///
  /// Merges when the sizes are comparable (32-bit digests four against four with
  /// SSE2 on x86-64, then one by one), and gallops (exponential then binary search of
  /// each element of the smaller set) when one is over 16 times larger.
  /// - Complexity: O(|a| + |b|), or O(m log(M/m)) for sizes m ≤ M when galloping.
  package static func intersectionCount<Element: FixedWidthInteger>(
    _ a: UnsafeBufferPointer<Element>, _ b: UnsafeBufferPointer<Element>
  ) -> Int {
    let (small, large) = a.count <= b.count ? (a, b) : (b, a)
    if small.isEmpty { return 0 }
    if large.count > 16 * small.count { return gallopingIntersectionCount(small, large) }
    // 32-bit digests (what verification merges): the C kernel, four against four
    // with SSE2 on x86-64.
    if Element.self == UInt32.self {
      return small.withMemoryRebound(to: UInt32.self) { small in
        large.withMemoryRebound(to: UInt32.self) { large in
          cvk_sorted_intersection_count_u32(small.baseAddress, small.count, large.baseAddress, large.count)
        }
      }
    }
    var i = 0
    var j = 0
    var count = 0
    while i < small.count && j < large.count {
      let x = small[i]
      let y = large[j]
      count &+= x == y ? 1 : 0
      // Branch-free advance: whichever is smaller moves (both on equality).
      i &+= x <= y ? 1 : 0
      j &+= y <= x ? 1 : 0
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
  package static func similarity<Element: FixedWidthInteger>(
    _ a: UnsafeBufferPointer<Element>, _ b: UnsafeBufferPointer<Element>, measure: SimilarityMeasure
  ) -> Double {
    measure.similarity(intersection: intersectionCount(a, b), a.count, b.count)
  }

  /// The similarity of two sorted, duplicate-free arrays under `measure`.
  package static func similarity<Element: FixedWidthInteger>(_ a: [Element], _ b: [Element], measure: SimilarityMeasure)
    -> Double
  {
    a.withUnsafeBufferPointer { a in b.withUnsafeBufferPointer { b in similarity(a, b, measure: measure) } }
  }

  /// The 32-bit digest of a fingerprint: its high half. Sets of digests stand in for
  /// fingerprint sets in verification at half the memory; two distinct shingles
  /// share a digest with probability 2^-32.
  @inline(__always)
  package static func digest(_ fingerprint: UInt64) -> UInt32 { UInt32(truncatingIfNeeded: fingerprint &>> 32) }
}
