/// Counts and timings of one run, for reports and benchmarks.
public struct PipelineStatistics: Sendable {
  /// Wall-clock seconds of each stage, in pipeline order.
  public struct StageTimes: Sendable {
    /// The boilerplate sample: reading and sketching the first documents, learning
    /// the boilerplate shingles from them and finishing their sketches without them.
    public var boilerplate = 0.0
    /// Reading, parsing and sketching, which overlap (documents stream through).
    public var front = 0.0
    /// Grouping identical normalized texts.
    public var group = 0.0
    /// LSH banding.
    public var candidates = 0.0
    /// Verifying candidates.
    public var verify = 0.0
    /// Union-find, representatives and similarities (and, at the same time, the
    /// caller's use of the pairs, such as writing them).
    public var cluster = 0.0

    /// The sum of all stages: the run's wall-clock time.
    public var total: Double { boilerplate + front + group + candidates + verify + cluster }
  }

  /// Thread-seconds of the streaming stages, summed over threads.
  public struct ThreadTimes: Sendable {
    /// Reading input (and decompressing it).
    public var read = 0.0
    /// Reading JSON records out of lines.
    public var parse = 0.0
    /// Normalizing and tokenizing: the normalized text.
    public var tokenize = 0.0
    /// Shingle fingerprints.
    public var fingerprint = 0.0
    /// MinHash signatures, set sorting and content keys.
    public var sketch = 0.0

    mutating func add(_ nanoseconds: StageNanoseconds) {
      parse += Double(nanoseconds.parse) / 1e9
      tokenize += Double(nanoseconds.tokenize) / 1e9
      fingerprint += Double(nanoseconds.fingerprint) / 1e9
      sketch += Double(nanoseconds.sketch) / 1e9
    }
  }

  /// Documents read.
  public var documents = 0
  /// Bytes of (decompressed) input read.
  public var bytesRead = 0
  /// Records skipped as invalid (with `--skip-invalid`), and the first messages.
  public var skippedRecords = 0
  public var skippedMessages: [String] = []
  /// Documents without any token, and the first of their ids.
  public var emptyDocuments = 0
  public var emptyDocumentIDs: [String] = []
  /// Documents with invalid UTF-8 (read with replacement characters), and the first ids.
  public var invalidUTF8Documents = 0
  public var invalidUTF8DocumentIDs: [String] = []
  /// Documents whose normalized text repeats an earlier document's exactly.
  public var identicalDuplicates = 0
  /// Shingles dropped as boilerplate.
  public var boilerplateShingles = 0
  /// Distinct candidate pairs from LSH.
  public var candidatePairs = 0
  /// Candidate pairs that passed verification.
  public var verifiedPairs = 0
  /// Wall-clock seconds per stage.
  public var times = StageTimes()
  /// Thread-seconds per streaming stage.
  public var threadTimes = ThreadTimes()
  /// Threads used.
  public var threads = 1

  /// Creates empty statistics.
  public init() {}
}

/// The pairs a clustering run lists, complete before its clusters are formed.
public struct PairList: Sendable {
  /// Every verified pair plus, for identical normalized texts, the pair of each copy
  /// with the first occurrence (similarity 1); sorted by (a, b).
  public var edges: [Edge]
  /// The ids of the documents the edges number.
  public var ids: [String]
  /// For each document, the first document with identical normalized text (itself
  /// when there is none), or `UInt32.max` for an empty document.
  public var canonicalDocuments: [UInt32]
  /// The measure of the edges' similarities.
  public var measure: SimilarityMeasure
}

/// The outcome of a clustering run.
public struct ClusterResult: Sendable {
  /// The configuration that produced it.
  public var configuration: ClusterConfiguration
  /// The banding used.
  public var lsh: LSHParameters
  /// The size-gap bandings used (containment runs).
  public var gapBandings: [(gap: Int, lsh: LSHParameters)]
  /// Every document read.
  public var documents: DocumentTable
  /// Clusters of two or more documents: largest first, then by representative id.
  public var clusters: [Cluster]
  /// Every verified pair plus, for identical normalized texts, the pair of each copy
  /// with the first occurrence (similarity 1); sorted by (a, b).
  public var edges: [Edge]
  /// Counts and timings.
  public var statistics: PipelineStatistics
  /// For each document, the first document with identical normalized text (itself
  /// when there is none), or `UInt32.max` for an empty document.
  public var canonicalDocuments: [UInt32]
  /// Every document's digest set (kept with exact verification or
  /// `keepsDigestSets`, else nil).
  public var digests: DigestStore?

  /// The number of documents in clusters.
  public var clusteredDocumentCount: Int { clusters.reduce(0) { $0 + $1.size } }

  /// The number of documents a deduplicated copy drops: every cluster member but
  /// the representative.
  public var duplicateCount: Int { clusters.reduce(0) { $0 + $1.size - 1 } }

  /// For each document, whether a deduplicated copy keeps it: all but the
  /// non-representative members of clusters.
  public var keptDocuments: [Bool] {
    var kept = [Bool](repeating: true, count: documents.count)
    for cluster in clusters {
      for member in cluster.members.dropFirst() { kept[member.document] = false }
    }
    return kept
  }

  /// Bytes of per-document state the run kept in memory: signatures, digest sets,
  /// and the document table (ids, previews, origins, sizes, content keys).
  public var stateByteCount: Int {
    let k = configuration.sketch.permutationCount
    var bytes = documents.count * (4 * k + 12 + 8 + 16 + 4)
    if let digests { bytes += digests.values.count * 4 + digests.offsets.count * 8 }
    for index in 0..<documents.count { bytes += documents.ids[index].utf8.count + documents.previews[index].utf8.count }
    return bytes
  }

  /// The edges with what it takes to list them.
  public var pairs: PairList {
    PairList(edges: edges, ids: documents.ids, canonicalDocuments: canonicalDocuments, measure: configuration.measure)
  }

  /// Documents outside every cluster, in input order, empty ones included (they
  /// never join a cluster): with the clusters, every document once.
  public var singletons: [Int] {
    var clustered = [Bool](repeating: false, count: documents.count)
    for cluster in clusters { for member in cluster.members { clustered[member.document] = true } }
    return (0..<documents.count).filter { !clustered[$0] }
  }
}
