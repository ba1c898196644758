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

/// Every document of a corpus reduced to what the later stages need: the
/// `DocumentTable`, the signatures, the fingerprint sets (when kept) and the content
/// keys that identify identical normalized texts.
///
/// - Invariant: the table, the signature matrix, `contentKeys` and (when present) the
///   fingerprint store all hold `documents.count` rows in input order.
public struct SketchedCorpus: Sendable {
  /// Ids, previews, origins and sizes.
  public var documents = DocumentTable()
  /// One signature per document.
  public var signatures: SignatureMatrix
  /// One fingerprint set per document, or nil when they were not kept.
  public var fingerprints: FingerprintStore?
  /// One 128-bit hash of the normalized text per document.
  public var contentKeys: [ContentKey] = []
  /// Counts and the read and sketch timings.
  public var statistics = PipelineStatistics()

  /// An empty corpus for signatures of `permutationCount` slots.
  public init(permutationCount: Int, keepsFingerprints: Bool) {
    signatures = SignatureMatrix(permutationCount: permutationCount)
    fingerprints = keepsFingerprints ? FingerprintStore() : nil
  }

  /// Appends one document that was sketched elsewhere (an index segment, say).
  /// - Precondition: `signature.count == signatures.permutationCount`, and
  ///   `fingerprints` is given exactly when this corpus keeps fingerprint sets.
  public mutating func append(
    id: String, preview: String, location: DocumentLocation, tokenCount: Int, contentKey: ContentKey,
    signature: UnsafeBufferPointer<UInt32>, fingerprints set: UnsafeBufferPointer<UInt64>
  ) {
    documents.ids.append(id)
    documents.previews.append(preview)
    documents.locations.append(location)
    documents.tokenCounts.append(UInt32(clamping: tokenCount))
    documents.shingleCounts.append(UInt32(clamping: set.count))
    contentKeys.append(contentKey)
    signatures.append(rows: signature)
    fingerprints?.append(set)
    statistics.documents = documents.count
  }
}

/// The front of the pipeline: reads documents in batches and sketches each batch in
/// parallel chunks (`DispatchQueue.concurrentPerform`) — normalize, tokenize, shingle,
/// fingerprint, MinHash — keeping only a `SketchedCorpus`.
///
/// - Invariant: the result is identical for every thread count and batch size.
/// - Complexity: O(B + N·s·k) for N documents of B bytes and s shingles. Memory:
///   O(N·(k + s)) for signatures and fingerprint sets, plus one batch of raw text.
public final class CorpusSketcher {
  /// The sketch parameters.
  public let parameters: SketchParameters
  /// The largest number of threads.
  public let threads: Int
  /// Documents per batch.
  public let batchSize: Int
  private var sketchers: [DocumentSketcher]
  private var corpus: SketchedCorpus
  private let started = Stopwatch()

  /// Sketching chunks per batch: enough to balance threads, few enough to keep the
  /// per-chunk overhead small.
  private static let chunksPerBatch = 16

  /// Creates a sketcher; MinHash permutations are drawn here.
  /// - Parameter keepsFingerprints: Whether fingerprint sets are kept (exact
  ///   verification and indexes need them).
  public init(parameters: SketchParameters, threads: Int, batchSize: Int = 4096, keepsFingerprints: Bool = true) {
    self.parameters = parameters
    self.threads = threads
    self.batchSize = max(1, batchSize)
    let minHasher = MinHasher(parameters)
    sketchers = (0..<Self.chunksPerBatch).map { _ in DocumentSketcher(parameters: parameters, minHasher: minHasher) }
    corpus = SketchedCorpus(permutationCount: parameters.permutationCount, keepsFingerprints: keepsFingerprints)
    corpus.statistics.threads = threads
  }

  /// Reads and sketches every document of `reader`.
  /// - Parameter progress: Called on the calling thread after each batch.
  /// - Throws: `CorpusError` from reading; `.noDocuments` when there are none.
  public func sketch(reader: CorpusReader, progress: ((PipelineProgress) -> Void)? = nil) throws(CorpusError)
    -> SketchedCorpus
  {
    var batch = DocumentBatch()
    while true {
      var clock = Stopwatch()
      let more = try reader.read(into: &batch, maximumDocuments: batchSize)
      corpus.statistics.times.read += clock.lap()
      corpus.statistics.bytesRead += batch.inputByteCount
      guard more else { break }
      ingest(batch)
      progress?(
        PipelineProgress(
          stage: "read", documents: corpus.documents.count, bytes: corpus.statistics.bytesRead, elapsed: started.elapsed))
    }
    corpus.statistics.skippedRecords = reader.skippedRecordCount
    corpus.statistics.skippedMessages = reader.skippedRecordMessages
    guard corpus.documents.count > 0 else { throw .noDocuments(paths: reader.inputs.map(\.label)) }
    return corpus
  }

  /// Sketches documents given in memory as (id, text) pairs, with line numbers as
  /// locations; for tests and callers that hold their documents already.
  /// - Precondition: ids are unique.
  public func sketch(documents records: [(id: String, text: String)]) -> SketchedCorpus {
    var batch = DocumentBatch()
    for start in stride(from: 0, to: records.count, by: batchSize) {
      batch.removeAll()
      for (offset, record) in records[start..<min(records.count, start + batchSize)].enumerated() {
        var text = record.text
        text.withUTF8 { body in
          batch.append(
            id: record.id, title: nil, body: body, location: DocumentLocation(input: 0, line: Int32(start + offset + 1)))
        }
      }
      ingest(batch)
    }
    return corpus
  }

  /// Sketches one batch in parallel chunks and appends it to the corpus.
  private func ingest(_ batch: DocumentBatch) {
    var clock = Stopwatch()
    let count = batch.count
    let k = parameters.permutationCount
    let chunkCount = min(Self.chunksPerBatch, count)
    let keepsFingerprints = corpus.fingerprints != nil
    var sketches = [DocumentSketch](
      repeating: DocumentSketch(
        tokenCount: 0, shingleCount: 0, invalidUTF8Count: 0, contentKey: ContentKey(low: 0, high: 0)),
      count: count)
    var chunkSets = [FingerprintStore](repeating: FingerprintStore(), count: chunkCount)
    corpus.signatures.appendRows(count) { rows in
      let signatureRows = DisjointRows(rows)
      sketches.withUnsafeMutableBufferPointer { sketchBuffer in
        let sketchOutput = DisjointRows(sketchBuffer)
        chunkSets.withUnsafeMutableBufferPointer { setsBuffer in
          let setOutput = DisjointRows(setsBuffer)
          sketchers.withUnsafeMutableBufferPointer { sketcherBuffer in
            let workers = DisjointRows(sketcherBuffer)
            batch.content.withUnsafeBufferPointer { content in
              parallelForEach(chunkCount: chunkCount, threads: threads) { chunk in
                var store = FingerprintStore()
                for document in chunkRange(chunk, of: chunkCount, count: count) {
                  let text = UnsafeBufferPointer(rebasing: content[batch.contentRange(of: document)])
                  let row = UnsafeMutableBufferPointer(rebasing: signatureRows.base[document * k..<(document + 1) * k])
                  sketchOutput.base[document] = workers.base[chunk].sketch(text, signature: row)
                  if keepsFingerprints { workers.base[chunk].fingerprints.withUnsafeBufferPointer { store.append($0) } }
                }
                setOutput.base[chunk] = store
              }
            }
          }
        }
      }
    }
    if keepsFingerprints { for store in chunkSets { corpus.fingerprints!.append(contentsOf: store) } }
    for index in 0..<count {
      let sketch = sketches[index]
      corpus.documents.ids.append(batch.ids[index])
      corpus.documents.previews.append(batch.previews[index])
      corpus.documents.locations.append(batch.locations[index])
      corpus.documents.tokenCounts.append(UInt32(clamping: sketch.tokenCount))
      corpus.documents.shingleCounts.append(UInt32(clamping: sketch.shingleCount))
      corpus.contentKeys.append(sketch.contentKey)
      if sketch.shingleCount == 0 {
        corpus.statistics.emptyDocuments += 1
        if corpus.statistics.emptyDocumentIDs.count < 10 { corpus.statistics.emptyDocumentIDs.append(batch.ids[index]) }
      }
      if sketch.invalidUTF8Count > 0 {
        corpus.statistics.invalidUTF8Documents += 1
        if corpus.statistics.invalidUTF8DocumentIDs.count < 10 {
          corpus.statistics.invalidUTF8DocumentIDs.append(batch.ids[index])
        }
      }
    }
    corpus.statistics.documents = corpus.documents.count
    corpus.statistics.times.sketch += clock.lap()
  }
}
