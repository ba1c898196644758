/// Progress of a running pipeline, reported after every batch and stage.
public struct PipelineProgress: Sendable {
  /// The stage under way ("read", "candidates", …).
  public var stage: String
  /// Documents read so far.
  public var documents: Int
  /// Input bytes read so far.
  public var bytes: Int
  /// Seconds since the run started.
  public var elapsed: Double
}

/// The whole clustering pipeline: read → normalize and tokenize → shingle and
/// fingerprint → MinHash → group identical texts → LSH candidates → verify →
/// union-find clusters.
///
/// Documents stream through in batches: each batch is sketched in parallel chunks
/// (`DispatchQueue.concurrentPerform`), and only fingerprint sets, signatures and the
/// `DocumentTable` stay behind. Candidates come from the bands in parallel and
/// verification from parallel chunks of candidates.
///
/// ```swift
/// let pipeline = ClusterPipeline(configuration: try ClusterConfiguration(threshold: 0.8))
/// let result = try pipeline.run(reader: CorpusReader(inputs: inputs, options: options))
/// ```
///
/// - Invariant: the result is identical for every thread count and batch size.
/// - Complexity: O(B + N·s·k) to sketch N documents of B bytes and s shingles, plus
///   banding O(b·N log N), verification O(C·s) for C candidates, clustering
///   O(N + E α(N)). Memory: O(N·(k + s)) for signatures and fingerprint sets.
public final class ClusterPipeline {
  /// The run's configuration.
  public let configuration: ClusterConfiguration
  private var sketchers: [DocumentSketcher]
  private var documents = DocumentTable()
  private var signatures: SignatureMatrix
  private var fingerprints = FingerprintStore()
  private var contentKeys: [ContentKey] = []
  private var statistics = PipelineStatistics()
  private var clock = Stopwatch()
  private let started = Stopwatch()

  /// Sketching chunks per batch: enough to balance threads, few enough to keep the
  /// per-chunk overhead small.
  private static let chunksPerBatch = 16

  /// Creates a pipeline; MinHash permutations are drawn here.
  public init(configuration: ClusterConfiguration) {
    self.configuration = configuration
    let minHasher = MinHasher(configuration.sketch)
    sketchers = (0..<Self.chunksPerBatch).map { _ in
      DocumentSketcher(parameters: configuration.sketch, minHasher: minHasher)
    }
    signatures = SignatureMatrix(permutationCount: configuration.sketch.permutationCount)
    statistics.threads = configuration.threads
  }

  /// Reads every document from `reader` and clusters them.
  /// - Parameter progress: Called on the calling thread after each batch and stage.
  /// - Throws: `CorpusError` from reading; `.noDocuments` when there are none.
  public func run(reader: CorpusReader, progress: ((PipelineProgress) -> Void)? = nil) throws(CorpusError)
    -> ClusterResult
  {
    var batch = DocumentBatch()
    while true {
      clock = Stopwatch()
      let more = try reader.read(into: &batch, maximumDocuments: configuration.batchSize)
      statistics.times.read += clock.lap()
      statistics.bytesRead += batch.inputByteCount
      guard more else { break }
      ingest(batch)
      progress?(PipelineProgress(stage: "read", documents: documents.count, bytes: statistics.bytesRead, elapsed: started.elapsed))
    }
    statistics.skippedRecords = reader.skippedRecordCount
    statistics.skippedMessages = reader.skippedRecordMessages
    guard documents.count > 0 else { throw .noDocuments(paths: reader.inputs.map(\.label)) }
    return finish(progress: progress)
  }

  /// Clusters documents given in memory as (id, text) pairs; for tests and callers
  /// that hold their documents already.
  /// - Precondition: ids are unique.
  public func run(documents records: [(id: String, text: String)]) -> ClusterResult {
    var batch = DocumentBatch()
    for start in stride(from: 0, to: records.count, by: configuration.batchSize) {
      batch.removeAll()
      for (offset, record) in records[start..<min(records.count, start + configuration.batchSize)].enumerated() {
        var text = record.text
        text.withUTF8 { body in
          batch.append(
            id: record.id, title: nil, body: body,
            location: DocumentLocation(input: 0, line: Int32(start + offset + 1)))
        }
      }
      ingest(batch)
    }
    return finish(progress: nil)
  }

  // MARK: Sketching

  /// Sketches one batch in parallel chunks and appends it to the pipeline's state.
  private func ingest(_ batch: DocumentBatch) {
    clock = Stopwatch()
    let count = batch.count
    let k = configuration.sketch.permutationCount
    let chunkCount = min(Self.chunksPerBatch, count)
    var sketches = [DocumentSketch](
      repeating: DocumentSketch(tokenCount: 0, shingleCount: 0, invalidUTF8Count: 0, contentKey: ContentKey(low: 0, high: 0)),
      count: count)
    var chunkSets = [FingerprintStore](repeating: FingerprintStore(), count: chunkCount)
    signatures.appendRows(count) { rows in
      let signatureRows = DisjointRows(rows)
      sketches.withUnsafeMutableBufferPointer { sketchBuffer in
        let sketchOutput = DisjointRows(sketchBuffer)
        chunkSets.withUnsafeMutableBufferPointer { setsBuffer in
          let setOutput = DisjointRows(setsBuffer)
          sketchers.withUnsafeMutableBufferPointer { sketcherBuffer in
            let workers = DisjointRows(sketcherBuffer)
            batch.content.withUnsafeBufferPointer { content in
              parallelForEach(chunkCount: chunkCount, threads: configuration.threads) { chunk in
                var store = FingerprintStore()
                for document in chunkRange(chunk, of: chunkCount, count: count) {
                  let text = UnsafeBufferPointer(rebasing: content[batch.contentRange(of: document)])
                  let row = UnsafeMutableBufferPointer(rebasing: signatureRows.base[document * k..<(document + 1) * k])
                  sketchOutput.base[document] = workers.base[chunk].sketch(text, signature: row)
                  workers.base[chunk].fingerprints.withUnsafeBufferPointer { store.append($0) }
                }
                setOutput.base[chunk] = store
              }
            }
          }
        }
      }
    }
    for store in chunkSets { fingerprints.append(contentsOf: store) }
    for index in 0..<count {
      let sketch = sketches[index]
      documents.ids.append(batch.ids[index])
      documents.previews.append(batch.previews[index])
      documents.locations.append(batch.locations[index])
      documents.tokenCounts.append(UInt32(clamping: sketch.tokenCount))
      documents.shingleCounts.append(UInt32(clamping: sketch.shingleCount))
      contentKeys.append(sketch.contentKey)
      if sketch.shingleCount == 0 {
        statistics.emptyDocuments += 1
        if statistics.emptyDocumentIDs.count < 10 { statistics.emptyDocumentIDs.append(batch.ids[index]) }
      }
      if sketch.invalidUTF8Count > 0 {
        statistics.invalidUTF8Documents += 1
        if statistics.invalidUTF8DocumentIDs.count < 10 { statistics.invalidUTF8DocumentIDs.append(batch.ids[index]) }
      }
    }
    statistics.documents = documents.count
    statistics.times.sketch += clock.lap()
  }

  // MARK: After the last batch

  private func finish(progress: ((PipelineProgress) -> Void)?) -> ClusterResult {
    func report(_ stage: String) {
      progress?(PipelineProgress(stage: stage, documents: documents.count, bytes: statistics.bytesRead, elapsed: started.elapsed))
    }
    let count = documents.count
    let threads = configuration.threads

    // Identical normalized texts: the first occurrence stands for the others.
    clock = Stopwatch()
    report("group")
    var canonical = [UInt32](repeating: UInt32.max, count: count)
    var firstWithKey: [ContentKey: UInt32] = [:]
    firstWithKey.reserveCapacity(count)
    var participants: [UInt32] = []
    for document in 0..<count where !documents.isEmpty(document) {
      let key = contentKeys[document]
      if let first = firstWithKey[key] {
        canonical[document] = first
        statistics.identicalDuplicates += 1
      } else {
        firstWithKey[key] = UInt32(document)
        canonical[document] = UInt32(document)
        participants.append(UInt32(document))
      }
    }
    firstWithKey = [:]
    contentKeys = []
    statistics.times.group = clock.lap()

    // Candidates from LSH bands, then verification.
    report("candidates")
    let lsh = configuration.resolvedLSH
    let candidates = CandidateGenerator(lsh: lsh).candidates(in: signatures, among: participants, threads: threads)
    statistics.candidatePairs = candidates.count
    statistics.times.candidates = clock.lap()

    report("verify")
    let verifier = CandidateVerifier(
      method: configuration.verification, measure: configuration.measure, threshold: configuration.threshold)
    let exactSets = configuration.verification == .exact ? fingerprints : nil
    var edges = verifier.verify(
      candidates, fingerprints: exactSets, setSizes: documents.shingleCounts, signatures: signatures, threads: threads)
    statistics.verifiedPairs = edges.count
    statistics.times.verify = clock.lap()

    // Union-find, representatives, similarities.
    report("cluster")
    let clustering = Clustering(keep: configuration.keep)
    var clusters = signatures.withRows { rows in
      withOptionalSets(exactSets) { sets in
        clustering.clusters(canonical: canonical, edges: edges, lengths: documents.tokenCounts) { a, b in
          verifier.similarity(
            a, b, sets: sets, setSizes: documents.shingleCounts, signatures: rows,
            permutationCount: signatures.permutationCount)
        }
      }
    }
    let ids = documents.ids
    clusters.sort { lhs, rhs in
      lhs.size != rhs.size
        ? lhs.size > rhs.size
        : ids[lhs.representative].utf8.lexicographicallyPrecedes(ids[rhs.representative].utf8)
    }
    for document in 0..<count where canonical[document] != UInt32.max && Int(canonical[document]) != document {
      edges.append(Edge(Int(canonical[document]), document, similarity: 1))
    }
    edges.sort { ($0.a, $0.b) < ($1.a, $1.b) }
    statistics.times.cluster = clock.lap()
    report("done")

    return ClusterResult(
      configuration: configuration, lsh: lsh, documents: documents, clusters: clusters, edges: edges,
      statistics: statistics, canonicalDocuments: canonical, fingerprints: exactSets)
  }
}
