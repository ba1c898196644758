import Foundation
import NearDupCore
import Testing

@Suite("ClusterPipeline")
struct ClusterPipelineTests {
  @Test("the default run reproduces the story labels of Corpus/ exactly")
  func corpusLabels() throws {
    let result = try Harness.cluster(Fixtures.corpus, try ClusterConfiguration())
    var byStory: [String: Set<String>] = [:]
    for record in try Fixtures.records(Fixtures.corpus) {
      byStory[record["story"] as! String, default: []].insert(record["id"] as! String)
    }
    let expected = Set(byStory.values.filter { $0.count > 1 })
    #expect(Harness.partition(result) == expected)
    #expect(result.clusters.count == 41)
  }

  @Test("output is identical for 1 and 2 threads and any batch size")
  func threadInvariance() throws {
    let one = try Harness.cluster(Fixtures.corpus, try ClusterConfiguration(threads: 1, batchSize: 4096))
    let two = try Harness.cluster(Fixtures.corpus, try ClusterConfiguration(threads: 2, batchSize: 13))
    #expect(one.clusters == two.clusters)
    #expect(one.edges == two.edges)
    #expect(one.statistics.candidatePairs == two.statistics.candidatePairs)
  }

  /// The seed page, a clean copy, and a copy re-spammed with another site name and
  /// another tail, built here from the scraped page itself.
  func seedVariants() throws -> [Document] {
    let page = try String(contentsOfFile: Fixtures.seedPage, encoding: .utf8)
    var paragraphs = page.components(separatedBy: "\n\n")
    let tailStart = paragraphs.firstIndex { $0.hasPrefix("More:") }!
    var clean = Array(paragraphs[..<tailStart]).filter { !$0.hasPrefix("Other news") && !$0.contains("source:") }
    clean = clean.map {
      $0.replacingOccurrences(of: "Ethermac-", with: "").replacingOccurrences(of: "Ethermac", with: "")
    }
    paragraphs = paragraphs.map { $0.replacingOccurrences(of: "Ethermac", with: "Coinflux") }
    let respammed =
      Array(paragraphs[..<tailStart]) + [
        "Related Stories",
        "Storm knocks out power to thousands along the northern coastCity council approves new tram line after long debate",
        "Local bakery wins national bread award for its sourdough rye and seeded loaf, judges pra",
        "Stocks slip as investors await central bank decision on interest rates later this wee",
        "Marathon runner sets course record in windy conditions on Sunday morning in the capi",
      ]
    return [
      Document(id: "seed", text: page), Document(id: "clean", text: clean.joined(separator: "\n\n")),
      Document(id: "respammed", text: respammed.joined(separator: "\n\n")),
    ]
  }

  @Test(
    "the seed page, a clean copy and a re-spammed copy form one cluster; same-event stories stay apart",
    .enabled(if: Fixtures.sharedIsPresent, Fixtures.sharedIsMissing))
  func seedPage() throws {
    let records = try Fixtures.records(Fixtures.corpus)
    let sameEvent = records.filter {
      ["putin-receives-choe", "lavrov-choe-talks-ledger"].contains($0["story"] as! String)
    }
    .map { Document(id: $0["id"] as! String, text: ($0["title"] as! String) + "\n" + ($0["text"] as! String)) }
    let result = ClusterPipeline(configuration: try ClusterConfiguration()).run(
      documents: try seedVariants() + sameEvent)
    let partition = Harness.partition(result)
    #expect(partition.contains(["seed", "clean", "respammed"]))
    for cluster in partition where cluster.contains("seed") { #expect(cluster == ["seed", "clean", "respammed"]) }
    // With plain Jaccard at the same threshold the long tail keeps the seed page apart.
    let jaccard = ClusterPipeline(configuration: try ClusterConfiguration(measure: .jaccard)).run(
      documents: try seedVariants())
    #expect(!Harness.partition(jaccard).contains { $0.contains("seed") && $0.contains("clean") })
  }

  @Test("empty and short documents: empty ones are reported and never clustered")
  func emptyAndShort() throws {
    let result = ClusterPipeline(configuration: try ClusterConfiguration(threads: 1)).run(documents: [
      Document(id: "e1", text: ""), Document(id: "e2", text: " — … "), Document(id: "s1", text: "Short headline"),
      Document(id: "s2", text: "short HEADLINE!"), Document(id: "s3", text: "Another one"),
    ])
    #expect(result.statistics.emptyDocuments == 2)
    #expect(result.statistics.emptyDocumentIDs == ["e1", "e2"])
    #expect(Harness.partition(result) == [["s1", "s2"]])
    #expect(result.statistics.identicalDuplicates == 1)
    #expect(result.singletons == [0, 1, 4])  // empty documents are singletons too
  }

  @Test("documents with invalid UTF-8 are counted")
  func invalidUTF8() throws {
    let directory = try TemporaryDirectory()
    var bytes = Data("{\"id\": \"a\", \"text\": \"caf".utf8)
    bytes.append(0xE9)
    bytes.append(contentsOf: Data("\"}\n{\"id\": \"b\", \"text\": \"fine\"}\n".utf8))
    let path = try directory.write("u.jsonl", bytes)
    let result = try Harness.cluster(path, try ClusterConfiguration(threads: 1))
    #expect(result.statistics.invalidUTF8Documents == 1)
    #expect(result.statistics.invalidUTF8DocumentIDs == ["a"])
  }

  @Test(
    "without previews a run clusters exactly as with them, and every preview is empty",
    arguments: [ClusterConfiguration.defaultBoilerplateShare, nil])
  func withoutPreviews(boilerplateShare: Double?) throws {
    // With the boilerplate filter the documents go through the sample's batches;
    // without it, through blocks of lines on two threads.
    let with = try ClusterConfiguration(boilerplateShare: boilerplateShare, threads: 2)
    let without = try ClusterConfiguration(boilerplateShare: boilerplateShare, keepsPreviews: false, threads: 2)
    let kept = try Harness.cluster(Fixtures.corpus, with)
    let dropped = try Harness.cluster(Fixtures.corpus, without)
    #expect(kept.documents.previews.allSatisfy { !$0.isEmpty })
    #expect(dropped.documents.previews.count == kept.documents.count)
    #expect(dropped.documents.previews.allSatisfy { $0.isEmpty })
    #expect(dropped.documents.ids == kept.documents.ids)
    #expect(dropped.clusters == kept.clusters)
    #expect(dropped.edges == kept.edges)
    #expect(dropped.stateByteCount < kept.stateByteCount)
  }

  @Test("the pairs handed over while the clusters form are the result's pairs", arguments: [1, 2])
  func pairsReady(threads: Int) throws {
    let configuration = try ClusterConfiguration(threads: threads)
    let input = try CorpusInput.resolve(Fixtures.corpus, options: CorpusOptions())
    var handed: [PairList] = []
    let result = try ClusterPipeline(configuration: configuration).run(
      reader: CorpusReader(inputs: [input], options: CorpusOptions()), pairsReady: { handed.append($0) })
    try #require(handed.count == 1)
    #expect(handed[0].edges == result.edges)
    #expect(handed[0].ids == result.documents.ids)
    #expect(handed[0].canonicalDocuments == result.canonicalDocuments)
    #expect(handed[0].measure == configuration.measure)
    // Identical copies are listed against their first occurrence, in (a, b) order.
    #expect(result.edges.contains { $0.similarity == 1 && result.canonicalDocuments[Int($0.b)] == $0.a })
    #expect(zip(result.edges, result.edges.dropFirst()).allSatisfy { ($0.a, $0.b) < ($1.a, $1.b) })
  }

  @Test(
    "a file cut into many blocks on 2 threads clusters exactly as on 1 thread",
    .enabled(if: Fixtures.sharedIsPresent, Fixtures.sharedIsMissing))
  func blockInvariance() throws {
    // bbc_news (5.2 MB): one thread reads 2 MiB blocks; two threads cut it into
    // 256 KiB blocks (16 per worker at least), with lines split across many block ends.
    let path = Fixtures.sharedCorpus("bbc_news.jsonl")
    let one = try Harness.cluster(path, try ClusterConfiguration(boilerplateShare: nil, threads: 1))
    let two = try Harness.cluster(path, try ClusterConfiguration(boilerplateShare: nil, threads: 2))
    #expect(one.documents.ids == two.documents.ids)
    #expect(one.documents.locations == two.documents.locations)
    #expect(one.clusters == two.clusters)
    #expect(one.edges == two.edges)
    #expect(one.clusters.count > 50)
  }

  @Test(
    "on bbc_news, pair precision and recall against exact all-pairs similarity are at least 0.95",
    .enabled(if: Fixtures.sharedIsPresent, Fixtures.sharedIsMissing), arguments: SimilarityMeasure.allCases)
  func bbcPrecisionRecall(measure: SimilarityMeasure) throws {
    let result = try Harness.cluster(
      Fixtures.sharedCorpus("bbc_news.jsonl"), try ClusterConfiguration(measure: measure))
    let truthEdges = ExactSimilarityJoin(measure: measure, threshold: 0.8).pairs(in: result.digests!, threads: 2)
    let truth = Set(truthEdges.map { UInt64($0.a) << 32 | UInt64($0.b) })
    let (precision, recall) = Harness.precisionRecall(predicted: Harness.predictedPairs(result), truth: truth)
    print("bbc_news pairs with exact \(measure) ≥ 0.8: \(truth.count); precision \(precision), recall \(recall)")
    #expect(truth.count >= 150)
    #expect(precision >= 0.95)
    #expect(recall >= 0.95)
  }

  @Test("signature verification estimates similarities instead of computing them")
  func signatureVerification() throws {
    let result = try Harness.cluster(Fixtures.corpus, try ClusterConfiguration(verification: .signature))
    #expect(result.digests == nil)
    #expect(result.clusters.count >= 35)
    #expect(result.edges.allSatisfy { $0.similarity >= 0.8 })
  }

  @Test("clusters of one size are ordered by the UTF-8 bytes of their representatives' ids")
  func clusterOrderByIDBytes() throws {
    // Byte order, not Unicode collation or case: "Zeta" < "a" < "alpha" < "été" < "ωmega" < "日本".
    let ids = ["日本", "zeta", "a", "ωmega", "Zeta", "été", "alpha", "a-1", "A-1", "abcdefghijklmnopqrstuvwxyz-long-id"]
    var records: [Document] = []
    for (number, id) in ids.enumerated() {
      let text = (0..<40).map { "story\(number) word\($0)" }.joined(separator: " ")
      records.append(Document(id: id, text: text))
      records.append(Document(id: id + "/copy", text: text))
    }
    let result = ClusterPipeline(configuration: try ClusterConfiguration(boilerplateShare: nil)).run(documents: records)
    let representatives = result.clusters.map { result.documents.ids[$0.representative] }
    #expect(result.clusters.allSatisfy { $0.size == 2 })
    #expect(representatives == ids.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) })
    #expect(representatives.first == "A-1")
  }
}
