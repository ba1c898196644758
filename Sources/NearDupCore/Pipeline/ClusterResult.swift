/// Counts and timings of one run, for reports and benchmarks.
public struct PipelineStatistics: Sendable {
  /// Seconds spent in each stage, in pipeline order.
  public struct StageTimes: Sendable {
    /// Reading and parsing input (including decompression).
    public var read = 0.0
    /// Normalize, tokenize, shingle, fingerprint and MinHash.
    public var sketch = 0.0
    /// Grouping identical normalized texts.
    public var group = 0.0
    /// LSH banding.
    public var candidates = 0.0
    /// Verifying candidates.
    public var verify = 0.0
    /// Union-find, representatives and similarities.
    public var cluster = 0.0

    /// The sum of all stages.
    public var total: Double { read + sketch + group + candidates + verify + cluster }
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
  /// Distinct candidate pairs from LSH.
  public var candidatePairs = 0
  /// Candidate pairs that passed verification.
  public var verifiedPairs = 0
  /// Wall-clock seconds per stage.
  public var times = StageTimes()
  /// Threads used.
  public var threads = 1

  /// Creates empty statistics.
  public init() {}
}

/// The outcome of a clustering run.
public struct ClusterResult: Sendable {
  /// The configuration that produced it.
  public var configuration: ClusterConfiguration
  /// The banding used.
  public var lsh: LSHParameters
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
  /// Every document's fingerprint set (kept with exact verification, else nil).
  public var fingerprints: FingerprintStore?

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

  /// Non-empty documents outside every cluster, in input order.
  public var singletons: [Int] {
    var clustered = [Bool](repeating: false, count: documents.count)
    for cluster in clusters { for member in cluster.members { clustered[member.document] = true } }
    return (0..<documents.count).filter { !clustered[$0] && !documents.isEmpty($0) }
  }
}
