import Foundation
import NearDupCore
import Testing

@Suite("Containment")
struct ContainmentTests {
  /// A story of Corpus/ by id, as title and paragraphs.
  func story(_ id: String) throws -> (title: String, paragraphs: [String]) {
    let record = try Fixtures.records(Fixtures.corpus).first { $0["id"] as! String == id }!
    return (record["title"] as! String, (record["text"] as! String).components(separatedBy: "\n\n"))
  }

  func clusters(_ documents: [Document], measure: SimilarityMeasure) throws -> Set<Set<String>> {
    Harness.partition(
      ClusterPipeline(configuration: try ClusterConfiguration(measure: measure, boilerplateShare: nil)).run(
        documents: documents))
  }

  @Test("a truncated copy and a boilerplate-padded copy join their source; another story of the event stays apart")
  func truncatedAndPadded() throws {
    let source = try story("storm-idris-portugal-01")
    let other = try story("storm-idris-galicia-01")
    let filler = try story("veltro-q3-earnings-01").paragraphs + (try story("nordvind-skerry-merger-01")).paragraphs
    let original = source.title + "\n" + source.paragraphs.joined(separator: "\n\n")
    // The first two paragraphs only: a quarter to a third of the shingles.
    let truncated = source.title + "\n" + source.paragraphs.prefix(2).joined(separator: "\n\n")
    // The story followed by a "More / Recommend" block longer than itself.
    let padded = original + "\n\nMore: Markets\n\nRecommend\n\n" + filler.joined(separator: "\n\n")
    let documents = [
      Document(id: "original", text: original), Document(id: "truncated", text: truncated),
      Document(id: "padded", text: padded),
      Document(id: "other", text: other.title + "\n" + other.paragraphs.joined(separator: "\n\n")),
    ]
    let shingler = Shingler(.default)
    let sizes = documents.map { shingler.fingerprintSet(of: $0.text).count }
    #expect(sizes[0] > 2 * sizes[1])  // wider than the main banding's size ratio
    #expect(sizes[2] > 2 * sizes[0])
    #expect(try clusters(documents, measure: .containment) == [["original", "truncated", "padded"]])
    // Jaccard cannot join them.
    #expect(try clusters(documents, measure: .jaccard).isEmpty)
  }

  @Test("a size-gap banding pairs only documents of that size-class gap")
  func gapBandings() throws {
    let bandings = CandidateGenerator.containmentGapBandings(threshold: 0.8, permutationCount: 128)
    #expect(bandings.map(\.gap) == [1, 2, 3, 4, 5])
    #expect(bandings.allSatisfy { $0.lsh.bands * $0.lsh.rows <= 128 })
    // Gap g targets Jaccard t / (1 + 2^(g+1) − t): its expected recall there is high
    // up to gap 4 (sizes 32 times apart); 128 slots reach 0.8 at gap 5.
    for (gap, lsh) in bandings {
      let target = 0.8 / (1 + Double(1 << (gap + 1)) - 0.8)
      #expect(lsh.probability(target) > (gap <= 4 ? 0.95 : 0.75), "gap \(gap)")
    }
    #expect(CandidateGenerator.sizeClass(1) == 0)
    #expect(CandidateGenerator.sizeClass(300) == 8)
  }
}
