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

  /// `count` random sets of `size` fingerprints, each followed by a copy whose last
  /// `replacing` fingerprints are replaced by new random ones.
  func basesWithCopies(_ count: Int, size: Int, replacing: Int, random: inout SplitMix64) -> [[UInt64]] {
    var sets: [[UInt64]] = []
    for _ in 0..<count {
      let base = (0..<size).map { _ in random.next() }
      sets.append(base)
      sets.append(Array(base.dropLast(replacing)) + (0..<replacing).map { _ in random.next() })
    }
    return sets
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
    let sets = basesWithCopies(60, size: 120, replacing: 10, random: &random)
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

  @Test("dropping unique keys keeps exactly the entries of repeated keys, in order, up to a few unique ones")
  func uniqueKeyFilter() {
    var random = SplitMix64(seed: 11)
    for (count, keyMask) in [
      (5_000, ~CandidateGenerator.packedDocumentMask), (60_000, ~UInt64(0) << 32), (2, ~UInt64(0) << 32),
    ] {
      // Hashed keys (uniform 40 bits) or slot keys (minima: small 32-bit values);
      // a quarter of the documents share a key with others.
      var keys: [UInt64] = []
      let entries = (0..<count).map { document -> UInt64 in
        let key: UInt64
        if !keys.isEmpty && random.next() % 4 == 0 {
          key = keys[Int(random.next() % UInt64(keys.count))]
        } else {
          key = keyMask == ~UInt64(0) << 32 ? (random.next() % 50_000_000) << 32 : random.next() & keyMask
          keys.append(key)
        }
        return key | UInt64(document)
      }
      var occurrences: [UInt64: Int] = [:]
      for entry in entries { occurrences[entry & keyMask, default: 0] += 1 }
      var filtered = entries
      CandidateGenerator.removeUniqueKeys(&filtered, keyMask: keyMask)
      let repeated = entries.filter { occurrences[$0 & keyMask]! > 1 }
      // In order, a subsequence of the input, with every repeated key's entries.
      let kept = Set(filtered)
      #expect(filtered == entries.filter { kept.contains($0) })
      #expect(Set(repeated).isSubset(of: kept))
      let uniqueKept = filtered.count - repeated.count
      #expect(uniqueKept <= max(1, (count - repeated.count) / 5), "\(uniqueKept) unique entries kept of \(count)")
    }
  }

  @Test("a size-gap band keeps, in order, every entry that has a partner at a wanted class gap")
  func partnerClassFilter() {
    var random = SplitMix64(seed: 17)
    let count = 20_000
    // Classes 6 to 12; keys shared by groups of 1 to 4 documents; gaps 1 and 3.
    let classes = (0..<count).map { _ in UInt8(6 + random.next() % 7) }
    var entries: [UInt64] = []
    var document = 0
    while document < count {
      let key = (random.next() % 1_000_000_000) << 32
      for _ in 0..<min(count - document, Int(1 + random.next() % 4)) {
        entries.append(key | UInt64(document))
        document += 1
      }
    }
    entries.sort { ($0 & 0xFF_FFFF) < ($1 & 0xFF_FFFF) }  // document order, as bands make them
    let gaps: UInt64 = 1 << 1 | 1 << 3
    var classesOfKey: [UInt64: Set<Int>] = [:]
    for entry in entries { classesOfKey[entry >> 32, default: []].insert(Int(classes[Int(entry & 0xFF_FFFF)])) }
    func hasPartner(_ entry: UInt64) -> Bool {
      let own = Int(classes[Int(entry & 0xFF_FFFF)])
      return classesOfKey[entry >> 32]!.contains { abs($0 - own) == 1 || abs($0 - own) == 3 }
    }
    var filtered = entries
    CandidateGenerator.removeEntriesWithoutPartnerClass(&filtered, keyMask: ~0 << 32, classes: classes, gaps: gaps)
    let kept = Set(filtered)
    #expect(filtered == entries.filter { kept.contains($0) })
    let partnered = entries.filter(hasPartner)
    let lost = partnered.filter { !kept.contains($0) }.count
    #expect(lost == 0, "\(lost) of \(partnered.count) entries with a partner removed")
    let unpartnered = entries.count - partnered.count
    let unpartneredKept = filtered.count - partnered.count
    #expect(unpartnered > count / 3)
    #expect(unpartneredKept <= unpartnered / 2, "\(unpartneredKept) of \(unpartnered) entries without a partner kept")
  }

  @Test(
    "size-gap bandings yield every pair of a band key whose size classes differ by their gap",
    arguments: [1, 2], [false, true])
  func gapBandingsAgainstBruteForce(threads: Int, readsColumns: Bool) throws {
    // 6,000 documents of 40 to 400 fingerprints (size classes 5 to 8): 1,000 stories,
    // each with a part of itself (a shorter page of the same story), and unrelated
    // documents.
    var random = SplitMix64(seed: 23)
    var sets: [[UInt64]] = []
    for _ in 0..<1_000 {
      let story = (0..<(80 + Int(random.next() % 320))).map { _ in random.next() }
      sets.append(story)
      sets.append(Array(story.prefix(40 + Int(random.next() % 40))))
    }
    for _ in 0..<4_000 { sets.append((0..<(40 + Int(random.next() % 360))).map { _ in random.next() }) }
    let k = 64
    let signatures = try matrix(sets, k: k)
    let counts = sets.map { UInt32(Set($0).count) }
    let classes = counts.map(CandidateGenerator.sizeClass)
    var generator = CandidateGenerator(lsh: try LSHParameters(bands: 8, rows: 8, permutationCount: k))
    generator.gapBandings = CandidateGenerator.containmentGapBandings(
      threshold: 0.8, permutationCount: k, maximumGap: 3)
    generator.readsColumns = readsColumns
    var expected = Set<UInt64>()
    signatures.withRows { rows in
      for (lsh, gap) in [(generator.lsh, 0)] + generator.gapBandings.map({ ($0.lsh, $0.gap) }) {
        for band in 0..<lsh.bands {
          var buckets: [UInt64: [UInt32]] = [:]
          for document in 0..<sets.count {
            let row = UnsafeBufferPointer(rebasing: rows[document * k..<(document + 1) * k])
            let key =
              lsh.rows == 1 ? UInt64(row[band]) : lsh.bandKey(row, band: band) & ~CandidateGenerator.packedDocumentMask
            buckets[key, default: []].append(UInt32(document))
          }
          for members in buckets.values where members.count > 1 {
            for i in members.indices {
              for j in (i + 1)..<members.count
              where gap == 0 || abs(Int(classes[Int(members[i])]) - Int(classes[Int(members[j])])) == gap {
                expected.insert(UInt64(members[i]) << 32 | UInt64(members[j]))
              }
            }
          }
        }
      }
    }
    let candidates = generator.candidates(
      in: signatures, among: (0..<UInt32(sets.count)).map { $0 }, threads: threads, shingleCounts: counts)
    let missing = expected.subtracting(candidates).count
    let extra = Set(candidates).subtracting(expected).count
    #expect(missing == 0 && extra == 0, "\(missing) pairs missing, \(extra) extra, of \(expected.count)")
    #expect(candidates == candidates.sorted() && Set(candidates).count == candidates.count)
    // Most stories' parts are found with them, across the size gap.
    let found = (0..<1_000).filter { expected.contains(UInt64(2 * $0) << 32 | UInt64(2 * $0 + 1)) }.count
    #expect(found > 500)
  }

  @Test("candidates of a large corpus are every pair that shares a band key", arguments: [1, 2], [false, true])
  func largeCorpusAgainstBruteForce(threads: Int, readsColumns: Bool) throws {
    // 6,000 documents (past the unique-key filter's minimum): 1,500 bases, each with
    // a copy with a few fingerprints changed, and 3,000 unrelated documents.
    var random = SplitMix64(seed: 21)
    var sets = basesWithCopies(1_500, size: 60, replacing: 4, random: &random)
    for _ in 0..<3_000 { sets.append((0..<60).map { _ in random.next() }) }
    let k = 64
    let signatures = try matrix(sets, k: k)
    let lsh = try LSHParameters(bands: 16, rows: 4, permutationCount: k)
    var generator = CandidateGenerator(lsh: lsh)
    generator.readsColumns = readsColumns
    var expected = Set<UInt64>()
    signatures.withRows { rows in
      for band in 0..<lsh.bands {
        var buckets: [UInt64: [UInt32]] = [:]
        for document in 0..<sets.count {
          let row = UnsafeBufferPointer(rebasing: rows[document * k..<(document + 1) * k])
          buckets[lsh.bandKey(row, band: band) & ~CandidateGenerator.packedDocumentMask, default: []].append(
            UInt32(document))
        }
        for members in buckets.values where members.count > 1 {
          for i in members.indices {
            for j in (i + 1)..<members.count { expected.insert(UInt64(members[i]) << 32 | UInt64(members[j])) }
          }
        }
      }
    }
    let candidates = generator.candidates(in: signatures, among: (0..<UInt32(sets.count)).map { $0 }, threads: threads)
    #expect(candidates == expected.sorted())
    #expect(candidates.count >= 1_500)
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
