import Foundation
import NearDupCore
import Testing

@Suite("Index recall")
struct IndexRecallTests {
  @Test(
    "queries find the stored documents with exact Jaccard ≥ 0.8 with recall ≥ 0.95 on reuters21578",
    .enabled(if: Fixtures.sharedIsPresent, Fixtures.sharedIsMissing))
  func reutersRecall() throws {
    let path = Fixtures.sharedCorpus("reuters21578.jsonl")
    let sketch = SketchParameters.default
    let corpus = try CorpusSketcher(parameters: sketch, threads: 2, retention: .fingerprints)
      .sketch(
        reader: CorpusReader(
          inputs: [try CorpusInput.resolve(path, options: CorpusOptions())], options: CorpusOptions()))
    // The default (containment) index, and a Jaccard index whose bands aim at 0.8 itself.
    var indexes: [LSHIndex] = []
    var directories: [TemporaryDirectory] = []
    for measure in SimilarityMeasure.allCases {
      let directory = try TemporaryDirectory()
      let configuration = try ClusterConfiguration(sketch: sketch, measure: measure, threads: 2)
      indexes.append(
        try IndexWriter(creating: directory.path, corpus: corpus, parameters: IndexParameters(configuration)).index)
      directories.append(directory)
    }
    let sets = corpus.fingerprints!

    // Queries: edited copies of a sample of stored documents.
    var random = SplitMix64(seed: 2024)
    let documents = try Harness.read([try CorpusInput.resolve(path, options: CorpusOptions())])
    var queries: [String] = []
    while queries.count < 300 {
      let document = documents[Int(random.next() % UInt64(documents.count))]
      if document.text.count > 200 { queries.append(SyndicatedCopies.edit(document.text, random: &random)) }
    }

    // Ground truth: every stored document with exact Jaccard ≥ 0.8, through an
    // inverted index over fingerprints (any document reaching 0.8 shares one of the
    // query's first |q| − ⌈0.8·|q|⌉ + 1 fingerprints).
    var postings: [UInt64: [Int32]] = [:]
    for document in 0..<sets.count {
      for value in sets.set(document) { postings[value, default: []].append(Int32(document)) }
    }
    let shingler = Shingler(sketch)
    var queriers = indexes.map { IndexQuerier(index: $0) }
    var expected = 0
    var found = [0, 0]
    for query in queries {
      let set = shingler.fingerprintSet(of: query)
      let prefix = set.sorted { (postings[$0]?.count ?? 0, $0) < (postings[$1]?.count ?? 0, $1) }
        .prefix(set.count - Int((0.8 * Double(set.count)).rounded(.up)) + 1)
      var candidates = Set<Int32>()
      for value in prefix { candidates.formUnion(postings[value] ?? []) }
      let truth = Set(
        candidates.filter { FingerprintSet.similarity(set, sets.set(Int($0)), measure: .jaccard) >= 0.8 }
          .map { corpus.documents.ids[Int($0)] })
      expected += truth.count
      for position in queriers.indices {
        let matches = Set(try queriers[position].query(text: query, options: QueryOptions()).map(\.id))
        found[position] += truth.intersection(matches).count
      }
    }
    #expect(expected >= 100)
    for (measure, hits) in zip(SimilarityMeasure.allCases, found) {
      let recall = Double(hits) / Double(expected)
      #expect(recall >= 0.95, "recall of the \(measure) index: \(recall) (\(hits) of \(expected))")
      print("index query recall on reuters21578 (\(measure) index): \(hits) of \(expected) = \(recall)")
    }
  }
}
