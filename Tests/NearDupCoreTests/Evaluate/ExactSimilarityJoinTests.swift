import NearDupCore
import Testing

@Suite("ExactSimilarityJoin")
struct ExactSimilarityJoinTests {
  @Test(
    "finds exactly the pairs brute force finds on random small corpora",
    arguments: [
      (SimilarityMeasure.jaccard, 0.8), (.jaccard, 0.5), (.containment, 0.8), (.containment, 0.3), (.jaccard, 1.0),
    ])
  func againstBruteForce(measure: SimilarityMeasure, threshold: Double) {
    var random = SplitMix64(seed: UInt64(threshold * 100) + (measure == .jaccard ? 0 : 1000))
    var store = FingerprintStore<UInt64>()
    var sets: [[UInt64]] = []
    // Families of related documents over a small vocabulary: edited copies,
    // truncations, padded copies and unrelated ones.
    for _ in 0..<40 {
      let base = (0..<Int(random.next() % 60 + 1)).map { _ in random.next() % 3000 }
      for _ in 0..<Int(random.next() % 4 + 1) {
        var copy = base
        let edits = Int(random.next() % 8)
        for _ in 0..<edits where !copy.isEmpty { copy[Int(random.next() % UInt64(copy.count))] = random.next() % 3000 }
        if random.next() % 3 == 0 { copy = Array(copy.prefix(copy.count / 2 + 1)) }
        if random.next() % 3 == 0 { copy += (0..<Int(random.next() % 40)).map { _ in random.next() % 3000 } }
        FingerprintSet.sortAndRemoveDuplicates(&copy)
        sets.append(copy)
        copy.withUnsafeBufferPointer { store.append($0) }
      }
    }
    var expected: [Edge] = []
    for a in sets.indices {
      for b in sets.indices where a < b {
        let value = FingerprintSet.similarity(sets[a], sets[b], measure: measure)
        if value >= threshold { expected.append(Edge(a, b, similarity: value)) }
      }
    }
    let join = ExactSimilarityJoin(measure: measure, threshold: threshold)
    #expect(join.pairs(in: store, threads: 1) == expected)
    #expect(join.pairs(in: store, threads: 2) == expected)
    #expect(!expected.isEmpty)
  }
}
