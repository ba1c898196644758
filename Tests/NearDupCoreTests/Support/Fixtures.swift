import Foundation
import NearDupCore
import Testing

/// Paths to the repository's fixtures and the shared corpora, found from this file.
enum Fixtures {
  /// The repository root (three levels above Tests/NearDupCoreTests/Support).
  static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

  /// `Corpus/news.jsonl`.
  static var corpus: String { repositoryRoot.appendingPathComponent("Corpus/news.jsonl").path }

  /// Whether `../shared/` (the shared corpora and the seed page) lies beside the
  /// repository, as in CI. The tests that read it run only then, and say so when not.
  static let sharedIsPresent = FileManager.default.fileExists(
    atPath: repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/corpora").path)

  /// Why a test that reads `../shared/` did not run.
  static let sharedIsMissing: Comment = "needs ../shared/ (the shared corpora) beside the repository; CI has it"

  /// A corpus of `../shared/corpora/`.
  static func sharedCorpus(_ name: String) -> String {
    repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/corpora/\(name)").path
  }

  /// The scraped seed page, `../shared/seed/wire-story.txt`.
  static var seedPage: String {
    repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/seed/wire-story.txt").path
  }

  /// The records of a JSON Lines file as dictionaries.
  static func records(_ path: String) throws -> [[String: Any]] {
    let text = try String(contentsOfFile: path, encoding: .utf8)
    return try text.split(separator: "\n").map {
      try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
    }
  }
}

/// Test helpers over the library.
enum Harness {
  /// Reads every document of `inputs` into one table of ids and texts.
  static func read(_ inputs: [CorpusInput], options: CorpusOptions = CorpusOptions()) throws -> [Document] {
    let reader = CorpusReader(inputs: inputs, options: options)
    var batch = DocumentBatch()
    var documents: [Document] = []
    while try reader.read(into: &batch, maximumDocuments: 7) {
      for index in 0..<batch.count {
        documents.append(
          Document(
            id: batch.ids[index], text: String(decoding: batch.content[batch.contentRange(of: index)], as: UTF8.self)))
      }
    }
    return documents
  }

  /// Runs the cluster pipeline on a file.
  static func cluster(_ path: String, _ configuration: ClusterConfiguration, options: CorpusOptions = CorpusOptions())
    throws
    -> ClusterResult
  {
    let input = try CorpusInput.resolve(path, options: options)
    return try ClusterPipeline(configuration: configuration).run(
      reader: CorpusReader(inputs: [input], options: options))
  }

  /// The clusters as sets of ids (singletons excluded).
  static func partition(_ result: ClusterResult) -> Set<Set<String>> {
    Set(result.clusters.map { Set($0.members.map { result.documents.ids[$0.document] }) })
  }

  /// Every pair the result declares similar: verified edges between canonical
  /// documents, expanded over identical texts, as "a b" keys with a < b.
  static func predictedPairs(_ result: ClusterResult) -> Set<UInt64> {
    let canonical = result.canonicalDocuments
    var membersOf: [UInt32: [Int]] = [:]
    for (document, text) in canonical.enumerated() where text != UInt32.max {
      membersOf[text, default: []].append(document)
    }
    var pairs = Set<UInt64>()
    func add(_ a: Int, _ b: Int) { pairs.insert(UInt64(min(a, b)) << 32 | UInt64(max(a, b))) }
    for members in membersOf.values {
      for i in members.indices { for j in members.indices where i < j { add(members[i], members[j]) } }
    }
    for edge in result.edges where canonical[Int(edge.a)] != canonical[Int(edge.b)] {
      for a in membersOf[canonical[Int(edge.a)]]! { for b in membersOf[canonical[Int(edge.b)]]! { add(a, b) } }
    }
    return pairs
  }

  /// Pair precision and recall of `predicted` against `truth`.
  static func precisionRecall(predicted: Set<UInt64>, truth: Set<UInt64>) -> (precision: Double, recall: Double) {
    let hits = predicted.intersection(truth).count
    return (
      predicted.isEmpty ? 1 : Double(hits) / Double(predicted.count),
      truth.isEmpty ? 1 : Double(hits) / Double(truth.count)
    )
  }

  /// Random sorted, duplicate-free fingerprint sets of `size` with a controlled
  /// overlap: `shared` values common to both.
  static func overlappingSets(size: Int, shared: Int, random: inout SplitMix64) -> ([UInt64], [UInt64]) {
    let common = (0..<shared).map { _ in random.next() }
    let a = common + (0..<(size - shared)).map { _ in random.next() }
    let b = common + (0..<(size - shared)).map { _ in random.next() }
    return (Array(Set(a)).sorted(), Array(Set(b)).sorted())
  }
}
