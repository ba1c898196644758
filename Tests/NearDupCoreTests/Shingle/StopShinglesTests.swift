@testable import NearDupCore
import Testing

@Suite("StopShingles")
struct StopShinglesTests {
  @Test("membership of a learned set, zero included")
  func membership() {
    let set = StopShingles(fingerprints: [0, 7, 1 << 40, 7])
    #expect(set.count == 3)
    #expect(set.contains(0) && set.contains(7) && set.contains(1 << 40))
    #expect(!set.contains(8))
    var values: [UInt64] = [1, 7, 2, 0, 3]
    set.filter(&values)
    #expect(values == [1, 2, 3])
    #expect(StopShingles.empty.isEmpty)
  }

  @Test("filtering keeps exactly the other fingerprints, in order, whatever the set's size", arguments: [1, 40, 3_000])
  func filterMatchesMembership(stopCount: Int) {
    var random = SplitMix64(seed: UInt64(stopCount))
    let stops = (0..<stopCount).map { index in index == 0 ? 0 : random.next() }
    let set = StopShingles(fingerprints: stops)
    // Stop fingerprints, fingerprints sharing their top bits (the bitmap's false
    // hits), and unrelated ones, shuffled together.
    var values = stops + stops.map { $0 ^ 1 } + (0..<5_000).map { _ in random.next() }
    values.shuffle(using: &random)
    let stopSet = Set(stops)
    var filtered = values
    set.filter(&filtered)
    #expect(filtered == values.filter { !stopSet.contains($0) })
    #expect(values.allSatisfy { set.contains($0) == stopSet.contains($0) })
  }

  @Test("sets are equal when they hold the same fingerprints, whatever their tables' layout")
  func equalityIgnoresLayout() {
    // Pairs of fingerprints that take the same table slot (equal low bits). A set
    // made from a longer list, with repeats, yields them in another order, so that
    // many pairs take their slots the other way round.
    let colliding = (1...64).flatMap { index in [UInt64(index), UInt64(index) | 1 << 40] }
    let set = StopShingles(fingerprints: colliding)
    #expect(set == StopShingles(fingerprints: colliding + Array(repeating: colliding[0], count: 5_000)))
    #expect(set == StopShingles(fingerprints: colliding.reversed()))
    #expect(set != StopShingles(fingerprints: colliding.dropLast() + [3 << 40]))
    #expect(set != StopShingles(fingerprints: Array(colliding.dropLast())))
    #expect(StopShingles(fingerprints: [0, 5]) != StopShingles(fingerprints: [6, 5]))
  }

  @Test("shingles in enough documents of the sample become stop shingles")
  func learning() throws {
    let footer = "Copyright 2025 Coinflux all rights reserved subscribe to the newsletter"
    let texts = (0..<40).map { index in
      "Story number \(index) tells of event \(index * 7) in city \(index % 5). " + (index < 20 ? footer : "")
    }
    let parameters = try SketchParameters()
    let learned = StopShingles.learn(from: texts, parameters: parameters, share: 0.25, minimumDocuments: 10)
    let footerShingles = Shingler(parameters).fingerprintSet(of: footer)
    #expect(footerShingles.allSatisfy(learned.contains))
    #expect(
      !Shingler(parameters).fingerprintSet(of: "Story number 3 tells of event 21").contains(where: learned.contains))
    // Half the documents carry the footer: a 0.6 share keeps it.
    #expect(StopShingles.learn(from: texts, parameters: parameters, share: 0.6).isEmpty)
  }

  /// The stop shingles of `documents` by a plain count of every fingerprint.
  func counted(_ documents: [[UInt64]], needed: Int) -> Set<UInt64> {
    var counts: [UInt64: Int] = [:]
    for document in documents { for value in document { counts[value, default: 0] += 1 } }
    return Set(counts.filter { $0.value >= needed }.keys)
  }

  @Test("learning finds exactly the fingerprints in enough documents, however tallied", arguments: [1, 2, 3])
  func learningMatchesPlainCount(threads: Int) {
    var random = SplitMix64(seed: 11)
    // Frequent fingerprints, and neighbours that share their buckets (the same top
    // bits) in too few documents; 0 in many documents; random ones besides.
    let frequent = (0..<40).map { _ in random.next() | 1 }
    let neighbours = frequent.map { $0 ^ 1 }
    let documents: [[UInt64]] = (0..<3_000).map { document in
      var set: Set<UInt64> = [0]
      for (index, value) in frequent.enumerated() where (document + index) % 4 == 0 { set.insert(value) }
      for (index, value) in neighbours.enumerated() where (document + index) % 40 == 0 { set.insert(value) }
      for _ in 0..<(document % 50) { set.insert(random.next()) }
      return Array(set)
    }
    let needed = 600  // a 0.2 share of 3,000 documents
    let expected = counted(documents, needed: needed)
    #expect(expected.count == frequent.count + 1)  // and 0
    for split in [1, 7] {
      let tallies = (0..<split).map { part in
        var tally = ShingleTally()
        for document in stride(from: part, to: documents.count, by: split) { tally.add(document: documents[document]) }
        return tally
      }
      let learned = StopShingles(tallies: tallies, share: 0.2, minimumDocuments: 10, threads: threads)
      #expect(learned.count == expected.count)
      #expect(expected.allSatisfy(learned.contains))
      #expect(!neighbours.contains(where: learned.contains))
    }
  }

  @Test("learning stays exact when most fingerprints recur and many buckets are hot", arguments: [1, 2, 3])
  func learningWithManyHotBuckets(threads: Int) {
    // 3,500 documents of 60 fingerprints drawn from 30,000: most recur (7 times on
    // average), so with 2 documents needed thousands of buckets are hot, spread
    // over every part of the bitmap.
    var random = SplitMix64(seed: 5)
    let pool = (0..<30_000).map { _ in random.next() }
    let documents: [[UInt64]] = (0..<3_500).map { _ in
      var set = Set<UInt64>()
      while set.count < 60 { set.insert(pool[Int(random.next() % UInt64(pool.count))]) }
      return Array(set)
    }
    let expected = counted(documents, needed: 2)
    #expect(expected.count > 20_000)
    var tally = ShingleTally()
    for document in documents { tally.add(document: document) }
    let learned = StopShingles(tallies: [tally], share: 0.0001, minimumDocuments: 2, threads: threads)
    #expect(learned.count == expected.count)
    let missing = expected.filter { !learned.contains($0) }
    #expect(missing.isEmpty, "\(missing.count) of \(expected.count) missing")
  }

  @Test("a fingerprint needed in more documents than a bucket counter holds is still counted exactly")
  func learningPastSaturatedCounters() {
    // 70,000 one-fingerprint documents: 7 in 66,500 of them, 9 in the other 3,500.
    var tally = ShingleTally()
    for document in 0..<70_000 { tally.add(document: [document < 66_500 ? 7 : 9]) }
    let learned = StopShingles(tallies: [tally], share: 0.95, minimumDocuments: 10, threads: 2)
    #expect(learned.count == 1 && learned.contains(7))
    let stricter = StopShingles(tallies: [tally], share: 0.96, minimumDocuments: 10, threads: 2)
    #expect(stricter.isEmpty)
  }
}
