/// Finds near-duplicate documents and groups them into clusters: NearDup's entry
/// point for clustering documents held in memory or read from files.
///
/// ```swift
/// let configuration = try ClusterConfiguration(threshold: 0.8)
/// let clusterer = DocumentClusterer(configuration: configuration)
/// let result = try clusterer.cluster([
///   Document(id: "a", text: "…"),
///   Document(id: "b", text: "…"),
/// ])
/// for cluster in result.clusters {
///   print(result.id(of: cluster.representative), result.memberIDs(of: cluster))
/// }
/// let fromFiles = try clusterer.cluster(files: ["news.jsonl"], options: CorpusOptions())
/// ```
///
/// Each document is normalized and cut into shingles, and each shingle set is
/// reduced to a MinHash signature; locality-sensitive hashing over the signatures
/// proposes candidate pairs, which are verified against the threshold (exactly, by
/// default); verified pairs then form clusters, each with a representative. Work is
/// spread over `ClusterConfiguration.threads` threads.
///
/// - Invariant: the result depends on the documents and the configuration only, not
///   on the thread count or the batch size.
/// - Complexity: O(B + N·s·k) to sketch N documents of B bytes with s shingles and
///   k permutations, plus O(b·N log N) for b bands, O(C·s) to verify C candidate
///   pairs and O(N + E α(N)) to form clusters from E pairs. Memory: O(N·(k + s)).
public struct DocumentClusterer: Sendable {
  /// The configuration every run uses.
  public let configuration: ClusterConfiguration

  /// Creates a clusterer.
  /// - Parameter configuration: The threshold, measure and every other tunable.
  public init(configuration: ClusterConfiguration) {
    self.configuration = configuration
  }

  /// Clusters documents held in memory.
  ///
  /// With a boilerplate filter configured, the boilerplate shingles are learned from
  /// the first `ClusterConfiguration.boilerplateSample` of these documents. No
  /// documents give an empty result.
  /// - Parameters:
  ///   - documents: The documents, with unique ids; their order is the input order
  ///     that document numbers, ties and the `.first` keep policy refer to.
  ///   - progress: Called on the calling thread as each stage after sketching starts
  ///     ("group", "candidates", "verify", "cluster") and when the run is done.
  /// - Returns: The clusters and the ids of every document.
  /// - Throws: `CorpusError.duplicateID` when two documents share an id; its path is
  ///   "<documents>" and its lines are the documents' positions, from 1.
  /// - Complexity: See the type's discussion.
  public func cluster(_ documents: [Document], progress: ((PipelineProgress) -> Void)? = nil) throws(CorpusError)
    -> ClusterResult
  {
    var firstPosition: [String: Int] = [:]
    firstPosition.reserveCapacity(documents.count)
    for (position, document) in documents.enumerated() {
      if let first = firstPosition.updateValue(position, forKey: document.id) {
        throw .duplicateID(
          id: document.id, path: Self.memoryLabel, line: position + 1, firstPath: Self.memoryLabel, firstLine: first + 1
        )
      }
    }
    return ClusterPipeline(configuration: configuration).run(documents: documents, progress: progress)
  }

  /// Reads the documents of files and directories and clusters them.
  ///
  /// Each path is read as `neardup cluster` reads it: a JSON Lines file (one object
  /// per line, with the id, text and title fields of `options`); a `.txt`, `.md` or
  /// `.markdown` file as one document whose id is its path; with
  /// `CorpusOptions.linesAreDocuments`, a file of one document per line; a directory
  /// as its JSON Lines shards (`.jsonl`, `.ndjson`) if it holds any, else as its text
  /// files, recursively; "-" as standard input. Any file may be gzip-compressed.
  /// Documents stream through in batches of `ClusterConfiguration.batchSize`; their
  /// texts are never all held in memory.
  /// - Parameters:
  ///   - paths: The files and directories, read in this order.
  ///   - options: The JSON field names, the per-document size limit and whether
  ///     invalid records are skipped.
  ///   - progress: Called on the calling thread after each batch read and as each
  ///     later stage starts.
  /// - Returns: The clusters and the ids of every document read.
  /// - Throws: `CorpusError` for a path that does not exist or cannot be read, a
  ///   malformed record, a duplicate id or an oversized document (unless
  ///   `options.skipsInvalidRecords`), and `.noDocuments` when the inputs hold none.
  /// - Complexity: See the type's discussion.
  public func cluster(
    files paths: [String], options: CorpusOptions = CorpusOptions(), progress: ((PipelineProgress) -> Void)? = nil
  ) throws(CorpusError) -> ClusterResult {
    let inputs = try CorpusInput.resolveAll(paths, options: options)
    return try ClusterPipeline(configuration: configuration).run(
      reader: CorpusReader(inputs: inputs, options: options), progress: progress)
  }

  /// The name that errors about documents given in memory use as their path.
  static let memoryLabel = "<documents>"
}
