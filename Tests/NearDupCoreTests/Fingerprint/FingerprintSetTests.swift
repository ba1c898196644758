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

  @Test("intersection counts match Set, for merging and galloping sizes", arguments: [(50, 40), (10, 2000), (3000, 7), (0, 10)])
  func intersectionCount(sizes: (Int, Int)) {
    var random = SplitMix64(seed: UInt64(sizes.0 * 31 + sizes.1))
    let pool = (0..<(sizes.0 + sizes.1)).map { _ in random.next() % 5000 }
    var a = Array(pool.prefix(sizes.0))
    var b = Array(pool.suffix(sizes.1)) + Array(a.prefix(sizes.0 / 2))
    FingerprintSet.sortAndRemoveDuplicates(&a)
    FingerprintSet.sortAndRemoveDuplicates(&b)
    let expected = Set(a).intersection(Set(b)).count
    let counted = a.withUnsafeBufferPointer { a in b.withUnsafeBufferPointer { b in FingerprintSet.intersectionCount(a, b) } }
    #expect(counted == expected)
  }

  @Test("Jaccard and containment of known sets")
  func measures() {
    let a: [UInt64] = [1, 2, 3, 4]
    let b: [UInt64] = [3, 4, 5, 6, 7, 8]
    #expect(FingerprintSet.similarity(a, b, measure: .jaccard) == 2.0 / 8.0)
    #expect(FingerprintSet.similarity(a, b, measure: .containment) == 2.0 / 4.0)
    #expect(FingerprintSet.similarity(a, a, measure: .jaccard) == 1)
    #expect(FingerprintSet.similarity([], a, measure: .jaccard) == 0)
    #expect(FingerprintSet.similarity([], [], measure: .containment) == 0)
  }
}
