import Foundation
import NearDupCore
import Testing

/// The library's documented surface, used as a client would use it.
@Suite("Library surface")
struct LibrarySurfaceTests {
  /// The Corpus/ records as documents, title and text apart.
  static func corpusDocuments() throws -> [Document] {
    try Fixtures.records(Fixtures.corpus).map { record in
      Document(id: record["id"] as! String, title: record["title"] as? String, text: record["text"] as! String)
    }
  }

  /// A result's clusters as sets of member ids.
  static func partition(_ result: ClusterResult) -> Set<Set<String>> {
    Set(result.clusters.map { Set(result.memberIDs(of: $0)) })
  }

  @Test("clustering documents in memory finds what clustering their file finds")
  func inMemoryMatchesFiles() throws {
    let clusterer = DocumentClusterer(configuration: try ClusterConfiguration(threads: 2))
    let documents = try Self.corpusDocuments()
    var stages: [String] = []
    let inMemory = try clusterer.cluster(documents) { stages.append($0.stage) }
    let fromFile = try clusterer.cluster(files: [Fixtures.corpus], options: CorpusOptions())
    #expect(inMemory.documentCount == documents.count)
    #expect(inMemory.documentIDs == documents.map(\.id))
    #expect(fromFile.documentIDs == documents.map(\.id))
    #expect(Self.partition(inMemory) == Self.partition(fromFile))
    #expect(inMemory.clusters.count == 41)
    #expect(stages.last == "done")
    for cluster in inMemory.clusters {
      let ids = inMemory.memberIDs(of: cluster)
      #expect(ids.first == inMemory.id(of: cluster.representative))
      #expect(ids.count == cluster.size)
      #expect(cluster.members.allSatisfy { $0.similarity >= 0.8 && $0.similarity <= 1 })
    }
    #expect(inMemory.clusteredDocumentCount + inMemory.singletons.count == documents.count)
    #expect(inMemory.keptDocuments.filter { !$0 }.count == inMemory.duplicateCount)
  }

  @Test("documents in memory with a repeated id are refused, naming both positions")
  func duplicateIDs() throws {
    let clusterer = DocumentClusterer(configuration: try ClusterConfiguration(threads: 1))
    let documents = [Document(id: "a", text: "one"), Document(id: "b", text: "two"), Document(id: "a", text: "three")]
    #expect(
      throws: CorpusError.duplicateID(id: "a", path: "<documents>", line: 3, firstPath: "<documents>", firstLine: 1)
    ) { try clusterer.cluster(documents) }
    #expect(try clusterer.cluster([]).documentCount == 0)
  }

  @Test("a missing file is a corpus error")
  func missingFile() throws {
    let clusterer = DocumentClusterer(configuration: try ClusterConfiguration(threads: 1))
    #expect(throws: CorpusError.missingPath(path: "/nonexistent/news.jsonl")) {
      try clusterer.cluster(files: ["/nonexistent/news.jsonl"])
    }
  }

  @Test("configurations refuse every value out of range")
  func validation() throws {
    #expect(throws: ParameterError.threshold(0)) { try ClusterConfiguration(threshold: 0) }
    #expect(throws: ParameterError.boilerplateShare(1)) { try ClusterConfiguration(boilerplateShare: 1) }
    #expect(throws: ParameterError.boilerplateSample(0)) { try ClusterConfiguration(boilerplateSample: 0) }
    #expect(throws: ParameterError.batchSize(0)) { try ClusterConfiguration(batchSize: 0) }
    #expect(throws: ParameterError.threads(0, allowed: ClusterConfiguration.threadCounts)) {
      try ClusterConfiguration(threads: 0)
    }
    let configuration = try ClusterConfiguration(
      boilerplateShare: nil, boilerplateSample: 50, keepsDigestSets: true, keepsPreviews: false, batchSize: 7)
    #expect(configuration.boilerplateShare == nil)
    #expect(configuration.boilerplateSample == 50)
    #expect(configuration.keepsDigestSets && !configuration.keepsPreviews)
    #expect(configuration.batchSize == 7)

    #expect(throws: ParameterError.top(0)) { try QueryOptions(top: 0) }
    #expect(throws: ParameterError.queryThreshold(1.5)) { try QueryOptions(threshold: 1.5) }
    let lsh = try LSHParameters(bands: 16, rows: 8, permutationCount: 128)
    #expect(throws: ParameterError.threshold(2)) {
      try IndexParameters(sketch: .default, threshold: 2, measure: .jaccard, lsh: lsh)
    }
    let small = try SketchParameters(permutationCount: 64)
    #expect(throws: ParameterError.bandsAndRows(bands: 16, rows: 8, permutationCount: 64)) {
      try IndexParameters(sketch: small, threshold: 0.8, measure: .jaccard, lsh: lsh)
    }
  }

  @Test("decoding checks parameters as their initializers do")
  func decodingValidates() throws {
    let encoded = try JSONEncoder().encode(SketchParameters.default)
    #expect(try JSONDecoder().decode(SketchParameters.self, from: encoded) == .default)
    var object = try JSONSerialization.jsonObject(with: encoded) as! [String: Any]
    object["shingleSize"] = 0
    let invalid = try JSONSerialization.data(withJSONObject: object)
    #expect(throws: DecodingError.self) { try JSONDecoder().decode(SketchParameters.self, from: invalid) }

    let banding = try LSHParameters(bands: 16, rows: 8, permutationCount: 128)
    #expect(try JSONDecoder().decode(LSHParameters.self, from: JSONEncoder().encode(banding)) == banding)
    #expect(throws: DecodingError.self) {
      try JSONDecoder().decode(LSHParameters.self, from: Data(#"{"bands": 0, "rows": 8}"#.utf8))
    }
    #expect(throws: DecodingError.self) {
      try JSONDecoder().decode(LSHParameters.self, from: Data(#"{"bands": 9223372036854775807, "rows": 2}"#.utf8))
    }
  }

  @Test("an index built from documents answers queries made of documents")
  func indexOfDocuments() throws {
    let directory = try TemporaryDirectory()
    let documents = try Self.corpusDocuments()
    let parameters = IndexParameters(try ClusterConfiguration(threads: 2))
    let writer = try IndexWriter(creating: directory.path, parameters: parameters, documents: Array(documents[..<100]))
    #expect(try writer.add(Array(documents[100...])) == 0)
    #expect(throws: IndexFileError.duplicateID(path: directory.path, id: documents[0].id)) {
      try writer.add([documents[0]])
    }
    #expect(throws: IndexFileError.duplicateID(path: directory.path, id: "x")) {
      try writer.add([Document(id: "x", text: "one"), Document(id: "x", text: "two")])
    }
    #expect(try writer.add([documents[0]], replacing: true) == 1)

    let index = try LSHIndex.open(directory.path)
    #expect(index.documentCount == documents.count)
    #expect(index.parameters == parameters)
    #expect(try index.document(withID: documents[1].id)?.id == documents[1].id)

    // The document itself with similarity 1, then copies of its story.
    let matches = try index.query(documents[0])
    #expect(matches.first?.similarity == 1)
    #expect(matches.count >= 3)
    #expect(matches.allSatisfy { $0.id.hasPrefix("choe-lavrov-") && $0.similarity >= parameters.threshold })

    var querier = IndexQuerier(index: index)
    #expect(try querier.query(documents[0], options: QueryOptions(top: 2)).count == 2)
    #expect(try querier.query(Document(id: "empty", text: "")).isEmpty)
  }
}
