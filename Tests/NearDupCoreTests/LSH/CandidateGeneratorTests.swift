import Testing

@testable import NearDupCore

@Suite("CandidateGenerator")
struct CandidateGeneratorTests {
  /// A matrix whose rows are the signatures of `fingerprintSets`.
  func matrix(_ fingerprintSets: [[UInt64]], k: Int = 128) throws -> SignatureMatrix {
    let hasher = MinHasher(try SketchParameters(permutationCount: k))
    var matrix = SignatureMatrix(permutationCount: k)
    for set in fingerprintSets {
      hasher.signature(of: set).values.withUnsafeBufferPointer { matrix.append(rows: $0) }
    }
    return matrix
  }

  @Test("identical documents are candidates, unrelated ones are not")
  func identicalAndUnrelated() throws {
    var random = SplitMix64(seed: 5)
    let a = (0..<200).map { _ in random.next() }
    let b = (0..<200).map { _ in random.next() }
    let signatures = try matrix([a, b, a])
    let generator = CandidateGenerator(lsh: try LSHParameters(bands: 16, rows: 8, permutationCount: 128))
    #expect(generator.candidates(in: signatures, among: [0, 1, 2], threads: 1) == [0 << 32 | 2])
    #expect(generator.candidates(in: signatures, among: [0, 1], threads: 1).isEmpty)
  }

  @Test("10,000 identical pages yield O(m·w) candidates that still connect them all")
  func largeBucket() throws {
    let page: [UInt64] = (0..<100).map { UInt64($0) &* 0x9E37_79B9_7F4A_7C15 }
    let signatures = try matrix(Array(repeating: page, count: 10_000), k: 16)
    let generator = CandidateGenerator(lsh: try LSHParameters(bands: 2, rows: 8, permutationCount: 16))
    let candidates = generator.candidates(in: signatures, among: (0..<10_000).map(UInt32.init), threads: 2)
    #expect(candidates.count <= 10_000 * generator.largeBucketWindow)
    var sets = UnionFind(count: 10_000)
    for pair in candidates { sets.union(Int(pair >> 32), Int(pair & 0xFFFF_FFFF)) }
    let size = sets.setSize(of: 0)
    #expect(size == 10_000)
  }

  @Test("candidates are the same for every thread count, sorted and without repeats")
  func threadInvariance() throws {
    var random = SplitMix64(seed: 9)
    var sets: [[UInt64]] = []
    for _ in 0..<60 {
      let base = (0..<120).map { _ in random.next() }
      sets.append(base)
      sets.append(Array(base.dropLast(10)) + (0..<10).map { _ in random.next() })
    }
    let signatures = try matrix(sets)
    let generator = CandidateGenerator(lsh: LSHParameters.optimal(threshold: 0.8, permutationCount: 128))
    let members = (0..<UInt32(sets.count)).map { $0 }
    let one = generator.candidates(in: signatures, among: members, threads: 1)
    #expect(one == generator.candidates(in: signatures, among: members, threads: 2))
    #expect(one == one.sorted() && Set(one).count == one.count)
    #expect(one.allSatisfy { $0 >> 32 < $0 & 0xFFFF_FFFF })
    // Every edited copy (J ≈ 0.85) is found with its base.
    for index in stride(from: 0, to: sets.count, by: 2) {
      #expect(one.contains(UInt64(index) << 32 | UInt64(index + 1)))
    }
  }

  @Test("merging the bands' pairs gives their sorted distinct union on any thread count", arguments: [1, 2, 3])
  func merge(threads: Int) {
    var random = SplitMix64(seed: UInt64(threads))
    let documents = 5_000
    // 40 bands of up to 20,000 pairs, many repeated across bands, skewed to low
    // first documents; some bands empty.
    let perBand = (0..<40).map { band -> [UInt64] in
      band % 7 == 3
        ? []
        : (0..<Int(random.next() % 20_000)).map { _ in
          let a = random.next() % UInt64(documents - 1) / (1 + random.next() % 3)
          let b = a + 1 + random.next() % (UInt64(documents) - a - 1)
          return a << 32 | b
        }
    }
    let merged = CandidateGenerator.merge(perBand, documentLimit: documents, threads: threads)
    #expect(merged == Set(perBand.joined()).sorted())
    #expect(CandidateGenerator.merge([[], []], documentLimit: 1, threads: threads).isEmpty)
  }
}
