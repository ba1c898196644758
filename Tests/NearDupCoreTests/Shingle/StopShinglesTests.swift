import NearDupCore
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
    #expect(StopShingles.none.isEmpty)
  }

  @Test("shingles in enough documents of the sample become stop shingles")
  func learning() throws {
    let footer = "Copyright 2025 Coinflux all rights reserved subscribe to the newsletter"
    let texts = (0..<40).map { index in "Story number \(index) tells of event \(index * 7) in city \(index % 5). " + (index < 20 ? footer : "") }
    let parameters = try SketchParameters()
    let learned = StopShingles.learn(from: texts, parameters: parameters, share: 0.25, minimumDocuments: 10)
    let footerShingles = Shingler(parameters).fingerprintSet(of: footer)
    #expect(footerShingles.allSatisfy(learned.contains))
    #expect(!Shingler(parameters).fingerprintSet(of: "Story number 3 tells of event 21").contains(where: learned.contains))
    // Half the documents carry the footer: a 0.6 share keeps it.
    #expect(StopShingles.learn(from: texts, parameters: parameters, share: 0.6).isEmpty)
  }
}
