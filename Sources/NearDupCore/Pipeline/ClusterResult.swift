/// Counts and timings of one run, for reports and benchmarks.
package struct PipelineStatistics: Sendable {
  /// Wall-clock seconds of each stage, in pipeline order.
  package struct StageTimes: Sendable {
    /// The boilerplate sample: reading and sketching the first documents, learning
    /// the boilerplate shingles from them and finishing their sketches without them.
    package var boilerplate = 0.0
    /// Reading, parsing and sketching, which overlap (documents stream through).
    package var front = 0.0
    /// Grouping identical normalized texts.
    package var group = 0.0
    /// LSH banding.
    package var candidates = 0.0
    /// Verifying candidates.
    package var verify = 0.0
    /// Union-find, representatives and similarities (and, at the same time, the
    /// caller's use of the pairs, such as writing them).
    package var cluster = 0.0

    /// The sum of all stages: the run's wall-clock time.
    package var total: Double { boilerplate + front + group + candidates + verify + cluster }
  }

  /// Thread-seconds of the streaming stages, summed over threads.
  package struct ThreadTimes: Sendable {
    /// Reading input (and decompressing it).
    package var read = 0.0
    /// Reading JSON records out of lines.
    package var parse = 0.0
    /// Normalizing and tokenizing: the normalized text.
    package var tokenize = 0.0
    /// Shingle fingerprints.
    package var fingerprint = 0.0
    /// MinHash signatures, set sorting and content keys.
    package var sketch = 0.0

    mutating func add(_ nanoseconds: StageNanoseconds) {
      parse += Double(nanoseconds.parse) / 1e9
      tokenize += Double(nanoseconds.tokenize) / 1e9
      fingerprint += Double(nanoseconds.fingerprint) / 1e9
      sketch += Double(nanoseconds.sketch) / 1e9
    }
  }

  /// Documents read.
  package var documents = 0
  /// Bytes of (decompressed) input read.
  package var bytesRead = 0
  /// Records skipped as invalid (with `--skip-invalid`), and the first messages.
  package var skippedRecords = 0
  package var skippedMessages: [String] = []
  /// Documents without any token, and the first of their ids.
  package var emptyDocuments = 0
  package var emptyDocumentIDs: [String] = []
  /// Documents with invalid UTF-8 (read with replacement characters), and the first ids.
  package var invalidUTF8Documents = 0
  package var invalidUTF8DocumentIDs: [String] = []
  /// Documents whose normalized text repeats an earlier document's exactly.
  package var identicalDuplicates = 0
  /// Shingles dropped as boilerplate.
  package var boilerplateShingles = 0
  /// Distinct candidate pairs from LSH.
  package var candidatePairs = 0
  /// Candidate pairs that passed verification.
  package var verifiedPairs = 0
  /// Wall-clock seconds per stage.
  package var times = StageTimes()
  /// Thread-seconds per streaming stage.
  package var threadTimes = ThreadTimes()
  /// Threads used.
  package var threads = 1

  /// Creates empty statistics.
  package init() {}
}

/// The pairs a clustering run lists, complete before its clusters are formed.
package struct PairList: Sendable {
  /// Every verified pair plus, for identical normalized texts, the pair of each copy
  /// with the first occurrence (similarity 1); sorted by (a, b).
  package var edges: [Edge]
  /// The ids of the documents the edges number.
  package var ids: [String]
  /// For each document, the first document with identical normalized text (itself
  /// when there is none), or `UInt32.max` for an empty document.
  package var canonicalDocuments: [UInt32]
  /// The measure of the edges' similarities.
  package var measure: SimilarityMeasure
}

/// The outcome of a clustering run: the clusters of near-duplicates, and the id of
/// every document.
///
/// Documents are numbered in input order from 0; clusters name their members by
/// these numbers, and `id(of:)` turns a number into the document's id:
///
/// ```swift
/// for cluster in result.clusters {
///   print("kept", result.id(of: cluster.representative))
///   for member in cluster.members.dropFirst() {
///     print("  dropped", result.id(of: member.document), "similarity", member.similarity)
///   }
/// }
/// ```
public struct ClusterResult: Sendable {
  /// The configuration that produced it.
  public package(set) var configuration: ClusterConfiguration
  /// The banding used: `ClusterConfiguration.lsh`, or the one chosen for the
  /// threshold.
  public package(set) var lsh: LSHParameters
  /// The size-gap bandings used (containment runs).
  package var gapBandings: [(gap: Int, lsh: LSHParameters)]
  /// Every document read.
  package var documents: DocumentTable
  /// Clusters of two or more documents: largest first, then by representative id.
  public package(set) var clusters: [Cluster]
  /// Every verified pair plus, for identical normalized texts, the pair of each copy
  /// with the first occurrence (similarity 1); sorted by (a, b).
  package var edges: [Edge]
  /// Counts and timings.
  package var statistics: PipelineStatistics
  /// For each document, the first document with identical normalized text (itself
  /// when there is none), or `UInt32.max` for an empty document.
  package var canonicalDocuments: [UInt32]
  /// Every document's digest set (kept with exact verification or
  /// `keepsDigestSets`, else nil).
  package var digests: DigestStore?

  /// N, the number of documents read, clustered or not.
  public var documentCount: Int { documents.count }

  /// Every document's id, in input order: `documentIDs[n]` is the id of document n.
  public var documentIDs: [String] { documents.ids }

  /// The id of document number `document` (its position in input order, from 0).
  /// - Precondition: `0 <= document < documentCount`.
  /// - Complexity: O(1).
  public func id(of document: Int) -> String { documents.ids[document] }

  /// The ids of a cluster's members: the representative first, then the others by
  /// decreasing similarity to it.
  /// - Complexity: O(cluster size).
  public func memberIDs(of cluster: Cluster) -> [String] { cluster.members.map { documents.ids[$0.document] } }

  /// The number of records skipped as invalid (with
  /// `CorpusOptions.skipsInvalidRecords`); 0 for documents given in memory.
  public var skippedRecordCount: Int { statistics.skippedRecords }

  /// The number of documents in clusters.
  /// - Complexity: O(number of clusters).
  public var clusteredDocumentCount: Int { clusters.reduce(0) { $0 + $1.size } }

  /// The number of documents a deduplicated copy drops: every cluster member but
  /// the representative.
  /// - Complexity: O(number of clusters).
  public var duplicateCount: Int { clusters.reduce(0) { $0 + $1.size - 1 } }

  /// For each document, whether a deduplicated copy keeps it: all but the
  /// non-representative members of clusters. Indexed by document number.
  /// - Complexity: O(N).
  public var keptDocuments: [Bool] {
    var kept = [Bool](repeating: true, count: documents.count)
    for cluster in clusters {
      for member in cluster.members.dropFirst() { kept[member.document] = false }
    }
    return kept
  }

  /// Bytes of per-document state the run kept in memory: signatures, digest sets,
  /// and the document table (ids, previews, origins, sizes, content keys).
  package var stateByteCount: Int {
    let k = configuration.sketch.permutationCount
    var bytes = documents.count * (4 * k + 12 + 8 + 16 + 4)
    if let digests { bytes += digests.values.count * 4 + digests.offsets.count * 8 }
    for index in 0..<documents.count { bytes += documents.ids[index].utf8.count + documents.previews[index].utf8.count }
    return bytes
  }

  /// The edges with what it takes to list them.
  package var pairs: PairList {
    PairList(edges: edges, ids: documents.ids, canonicalDocuments: canonicalDocuments, measure: configuration.measure)
  }

  /// Documents outside every cluster, in input order, empty ones included (they
  /// never join a cluster): with the clusters, every document once. Pass a number
  /// to `id(of:)` for its id.
  /// - Complexity: O(N).
  public var singletons: [Int] {
    var clustered = [Bool](repeating: false, count: documents.count)
    for cluster in clusters { for member in cluster.members { clustered[member.document] = true } }
    return (0..<documents.count).filter { !clustered[$0] }
  }
}
