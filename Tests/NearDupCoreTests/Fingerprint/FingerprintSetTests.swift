import NearDupCore
import Testing

@Suite("FingerprintSet")
struct FingerprintSetTests {
  @Test("sorting removes repeats")
  func sortAndRemoveDuplicates() {
    var values: [UInt64] = [5, 3, 5, 1, 3, 3, 9]
    FingerprintSet.sortAndRemoveDuplicates(&values)
    #expect(values == [1, 3, 5, 9])
    var empty: [UInt64] = []
    FingerprintSet.sortAndRemoveDuplicates(&empty)
    #expect(empty.isEmpty)
  }

  @Test("sorting uniform digests matches the standard sort", arguments: [0, 1, 31, 32, 200, 257, 2048, 3072, 20_000])
  func uniformSort(count: Int) {
    var random = SplitMix64(seed: UInt64(count))
    var scratch: [UInt32] = []
    // Repeats included: every value appears once or twice.
    var values = (0..<count).map { _ in UInt32(truncatingIfNeeded: random.next()) }
    values += values.prefix(count / 3)
    var expected = values
    FingerprintSet.sortAndRemoveDuplicates(&expected)
    FingerprintSet.sortUniformAndRemoveDuplicates(&values, scratch: &scratch)
    #expect(values == expected)
  }

  @Test("sorting skewed values still matches the standard sort", arguments: [40, 300, 4000])
  func skewedSort(count: Int) {
    // Values crowded into the lowest buckets, in descending runs: the insertion sort
    // walks them back the whole way.
    var random = SplitMix64(seed: UInt64(count) &+ 3)
    var scratch: [UInt32] = []
    var values = (0..<count).map { index in UInt32(truncatingIfNeeded: (count - index) * 3 + Int(random.next() % 3)) }
    values += values.prefix(count / 4)
    var expected = values
    FingerprintSet.sortAndRemoveDuplicates(&expected)
    FingerprintSet.sortUniformAndRemoveDuplicates(&values, scratch: &scratch)
    #expect(values == expected)
  }

  @Test("sorting uniform 64-bit fingerprints matches the standard sort", arguments: [1, 32, 500, 2048])
  func uniformFingerprintSort(count: Int) {
    var random = SplitMix64(seed: UInt64(count) &+ 7)
    var scratch: [UInt64] = []
    var values = (0..<count).map { _ in random.next() }
    values += values.suffix(count / 2)
    var expected = values
    FingerprintSet.sortAndRemoveDuplicates(&expected)
    FingerprintSet.sortUniformAndRemoveDuplicates(&values, scratch: &scratch)
    #expect(values == expected)
  }

  @Test("sorted digests of fingerprints match the standard sort", arguments: [0, 5, 32, 400, 3072, 20_000])
  func sortedDigests(count: Int) {
    var random = SplitMix64(seed: UInt64(count) &+ 11)
    var fingerprints = (0..<count).map { _ in random.next() }
    fingerprints += fingerprints.prefix(count / 3)
    var expected = fingerprints.map(FingerprintSet.digest)
    FingerprintSet.sortAndRemoveDuplicates(&expected)
    var digests: [UInt32] = [7, 7, 7]  // replaced, not appended to
    var scratch: [UInt32] = []
    fingerprints.withUnsafeBufferPointer {
      FingerprintSet.sortedUniqueDigests(of: $0, into: &digests, scratch: &scratch)
    }
    #expect(digests == expected)
  }

  @Test("radix sort of 64-bit keys matches the standard sort", arguments: [10, 5000, 100_000])
  func radixSort(count: Int) {
    var random = SplitMix64(seed: UInt64(count) &+ 1)
    var values = (0..<count).map { _ in random.next() >> (random.next() % 2 == 0 ? 0 : 40) }
    values += values.prefix(count / 4)
    var expected = values
    expected.sort()
    var sorted = values
    RadixSort.sort(&sorted)
    #expect(sorted == expected)
    RadixSort.sortAndRemoveDuplicates(&values)
    #expect(values == Array(Set(expected)).sorted())
    // 32-bit keys: one bucket pass, then 8-bit digits.
    var digests = expected.map { UInt32(truncatingIfNeeded: $0 >> 20) }.reversed() as [UInt32]
    let expectedDigests = digests.sorted()
    RadixSort.sort(&digests)
    #expect(digests == expectedDigests)
  }

  @Test("radix sort of more than 2^21 keys (thousands of buckets) matches the standard sort")
  func radixSortLarge() {
    var random = SplitMix64(seed: 21)
    var values = (0..<(1 << 21) + 1000).map { _ in random.next() >> 8 }
    var expected = values
    expected.sort()
    RadixSort.sort(&values)
    #expect(values == expected)
  }

  @Test("radix sort on the high bits is stable", arguments: [100, 50_000])
  func radixSortHighBits(count: Int) {
    var random = SplitMix64(seed: UInt64(count) &+ 3)
    // Few distinct high parts, so that many values tie on them; low parts descending.
    let values = (0..<count).map { index in (random.next() % 50) << 24 | UInt64(count - index) }
    var sorted = values
    RadixSort.sort(&sorted, skippingLowBits: 24)
    let expected = values.enumerated().sorted { ($0.element >> 24, $0.offset) < ($1.element >> 24, $1.offset) }.map(
      \.element)
    #expect(sorted == expected)
  }

  @Test(
    "intersection counts match Set, for merging and galloping sizes",
    arguments: [(50, 40), (10, 2000), (3000, 7), (0, 10)])
  func intersectionCount(sizes: (Int, Int)) {
    var random = SplitMix64(seed: UInt64(sizes.0 * 31 + sizes.1))
    let pool = (0..<(sizes.0 + sizes.1)).map { _ in random.next() % 5000 }
    var a = Array(pool.prefix(sizes.0))
    var b = Array(pool.suffix(sizes.1)) + Array(a.prefix(sizes.0 / 2))
    FingerprintSet.sortAndRemoveDuplicates(&a)
    FingerprintSet.sortAndRemoveDuplicates(&b)
    let expected = Set(a).intersection(Set(b)).count
    let counted = a.withUnsafeBufferPointer { a in
      b.withUnsafeBufferPointer { b in FingerprintSet.intersectionCount(a, b) }
    }
    #expect(counted == expected)
  }

  @Test("intersection counts of 32-bit digest sets match Set, block merge and tails included")
  func digestIntersectionCount() {
    var random = SplitMix64(seed: 17)
    for trial in 0..<2_000 {
      // Small universes make long runs of shared values, large ones few; sizes cover
      // every remainder modulo the block of four, and sets 16 times apart.
      let universe = UInt64([8, 60, 1_000, 1 << 32][trial % 4])
      let sizes = (Int(random.next() % 130), Int(random.next() % 130))
      var a = (0..<sizes.0).map { _ in UInt32(truncatingIfNeeded: random.next() % universe) }
      var b = (0..<sizes.1).map { _ in UInt32(truncatingIfNeeded: random.next() % universe) }
      FingerprintSet.sortAndRemoveDuplicates(&a)
      FingerprintSet.sortAndRemoveDuplicates(&b)
      let expected = Set(a).intersection(Set(b)).count
      let counted = a.withUnsafeBufferPointer { a in
        b.withUnsafeBufferPointer { b in FingerprintSet.intersectionCount(a, b) }
      }
      #expect(counted == expected, "sets of \(a.count) and \(b.count) values below \(universe)")
    }
  }

  @Test("Jaccard and containment of known sets")
  func measures() {
    let a: [UInt64] = [1, 2, 3, 4]
    let b: [UInt64] = [3, 4, 5, 6, 7, 8]
    #expect(FingerprintSet.similarity(a, b, measure: .jaccard) == 2.0 / 8.0)
    #expect(FingerprintSet.similarity(a, b, measure: .containment) == 2.0 / 4.0)
    #expect(FingerprintSet.similarity(a, a, measure: .jaccard) == 1)
    #expect(FingerprintSet.similarity([], a, measure: .jaccard) == 0)
    #expect(FingerprintSet.similarity([UInt64](), [UInt64](), measure: .containment) == 0)
  }
}
