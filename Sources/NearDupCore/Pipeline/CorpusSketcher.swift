import Dispatch
import Foundation

/// The front of the pipeline: reads documents and sketches them in parallel —
/// normalize, tokenize, shingle, fingerprint, MinHash — keeping only a
/// `SketchedCorpus`.
///
/// Line-oriented inputs (JSON Lines, `--lines`) stream as blocks of up to 2 MiB of
/// whole lines through a `BlockPipeline`: `threads` threads read (and decompress)
/// blocks, parse and sketch them, and one of them, the calling thread, also appends
/// each block's documents in input order, checking ids. Other inputs
/// (directories, single files) are read in batches and sketched in parallel chunks.
///
/// With `boilerplate`, the first documents accepted (the sample) are sketched
/// keeping every shingle — when every input is line-oriented, through the same
/// block pipeline as the rest (`sketchSample(_:progress:)`), else read in batches,
/// the next batch read while the workers sketch this one. The boilerplate shingles
/// are learned from them, and then the sample is finished from its kept
/// fingerprint sets — the stop shingles removed, sets (and, where a stop shingle was
/// dropped, signatures) made again — without reading or tokenizing it a second
/// time. Every later document is sketched with the stop shingles.
///
/// - Invariant: the result is identical for every thread count, batch size and
///   block size.
/// - Complexity: O(B + N·(s + k)) for N documents of B bytes and s shingles (O(N·s·k)
///   with `.minhash`). Memory: O(N·(k + s)) for signatures and sets, plus the
///   pipeline's ring of 4 blocks per worker, one on one thread (raw text and
///   sketched results), plus the sample's fingerprints (8 bytes each) while learning.
package final class CorpusSketcher {
  /// The sketch parameters.
  package let parameters: SketchParameters
  /// The largest number of threads.
  package let threads: Int
  /// Documents per batch (batch path).
  package let batchSize: Int
  /// The sets kept per document.
  package let retention: SetRetention
  /// How the boilerplate shingles are learned (nil: none are dropped).
  package let boilerplate: BoilerplateLearning?
  /// Whether documents' previews are kept (otherwise they are empty).
  package let keepsPreviews: Bool
  /// Shingles dropped from every document: empty until learned from the sample.
  package internal(set) var stopShingles = StopShingles.empty
  /// Whether the boilerplate sample is still to be read.
  var samplePending: Bool
  /// Whether documents' labels are kept (set from the reader's options).
  var labelsWanted = false
  /// The line-oriented input the block route collected lines of last, and how
  /// many lines of it were collected (with those the reader returned one by one):
  /// a later pipeline on the same input numbers its lines on from there.
  var collectedLines = (input: -1, lines: 0)
  /// The input whose arrays (and id table) were reserved, if any: from the
  /// boilerplate sample, or from the first block of the input.
  var reservedInput: Int?
  let minHasher: MinHasher
  var sketchers: [DocumentSketcher]
  var corpus: SketchedCorpus
  /// The last batch `append` sketched, not yet in the corpus.
  var pendingBatch: SketchedBatch?
  /// The buffers of the batch appended before it, for the next batch.
  var spareBatch = SketchedBatch()
  let started = Stopwatch()

  /// Sketching chunks per batch: enough to balance threads, few enough to keep the
  /// per-chunk overhead small.
  static let chunksPerBatch = 16
  /// Bytes of whole lines per block, at most: large blocks keep the per-block
  /// hand-over rare on large files.
  static let maximumBlockSize = 2 << 20
  /// How many documents ahead the collector prefetches the id table's slots.
  static let idPrefetchDistance = 8
  /// Bytes of whole lines per block, at least.
  static let minimumBlockSize = 256 << 10
  /// Blocks per worker a file is cut into at least (within the two sizes above): the
  /// last blocks finish one by one, so that a worker idles for at most about one
  /// block while another finishes its last.
  static let blocksPerWorker = 16

  /// Creates a sketcher; MinHash permutations are drawn here.
  /// - Parameter retention: Which sets are kept: digests for exact verification,
  ///   fingerprints for an index, none for signature verification.
  /// - Parameter boilerplate: Learn boilerplate shingles from the first documents
  ///   and drop them from every document (nil: keep every shingle).
  /// - Parameter keepsPreviews: Keep each document's preview for reports (false:
  ///   every preview is empty).
  package init(
    parameters: SketchParameters, threads: Int, batchSize: Int = 4096, retention: SetRetention = .digests,
    boilerplate: BoilerplateLearning? = nil, keepsPreviews: Bool = true
  ) {
    self.parameters = parameters
    self.threads = threads
    self.batchSize = max(1, batchSize)
    self.retention = retention
    self.boilerplate = boilerplate
    self.keepsPreviews = keepsPreviews
    samplePending = boilerplate != nil
    let minHasher = MinHasher(parameters)
    self.minHasher = minHasher
    sketchers = Self.makeSketchers(parameters, retention, minHasher, .empty)
    corpus = SketchedCorpus(permutationCount: parameters.permutationCount, retention: retention)
    corpus.statistics.threads = threads
  }

  static func makeSketchers(
    _ parameters: SketchParameters, _ retention: SetRetention, _ minHasher: MinHasher, _ stopShingles: StopShingles
  ) -> [DocumentSketcher] {
    (0..<chunksPerBatch).map { _ in
      DocumentSketcher(parameters: parameters, retention: retention, minHasher: minHasher, stopShingles: stopShingles)
    }
  }

  /// Reads and sketches every document of `reader`.
  /// - Parameter progress: Called on the calling thread after each wave or batch.
  /// - Throws: `CorpusError` from reading; `.noDocuments` when there are none.
  package func sketch(reader: CorpusReader, progress: ((PipelineProgress) -> Void)? = nil) throws(CorpusError)
    -> SketchedCorpus
  {
    labelsWanted = reader.options.labelField != nil
    if samplePending && !reader.keepsRecords && reader.inputs.allSatisfy({ $0.kind == .jsonLines || $0.kind == .lines })
    {
      try sketchSample(reader, progress: progress)
    }
    if samplePending {
      var sampledDocuments = 0
      var idsReserved = false
      try sketchSample { batch, limit throws(CorpusError) in
        var clock = Stopwatch()
        defer { corpus.statistics.threadTimes.read += clock.lap() }
        // Before the second batch, read while the first is sketched, the id table is
        // sized for the whole first input at the first batch's bytes per document,
        // so that it neither rehashes as the sample's ids arrive nor grows on one
        // thread once the sample is learned.
        if sampledDocuments > 0 && !idsReserved {
          idsReserved = true
          if reader.currentInputIndex == 0, let input = reader.inputs.first,
            let documents = Self.estimatedDocuments(in: input, documents: sampledDocuments, bytes: reader.bytesRead)
          {
            reader.reserveIDs(documents)
          }
        }
        let more = try reader.read(into: &batch, maximumDocuments: limit)
        sampledDocuments += more ? batch.count : 0
        return more
      } progress: {
        self.reportProgress(progress, reader)
      } reserve: { documents, setValues in
        // A sample read from the first input alone plans that input's arrays.
        guard reader.currentInputIndex == 0, let input = reader.inputs.first,
          self.reserveCapacity(
            forInput: input, reader: reader, documents: documents, setValues: setValues, bytes: reader.bytesRead)
        else { return }
        self.reservedInput = 0
      }
    }
    let clock = Stopwatch()
    var batch = DocumentBatch()
    batch.keepsPreviews = keepsPreviews
    while let kind = reader.currentInputKind {
      if (kind == .jsonLines || kind == .lines) && !reader.keepsRecords {
        try sketchLines(reader, progress: progress)
        continue
      }
      while true {
        var readClock = Stopwatch()
        let more = try reader.read(into: &batch, maximumDocuments: batchSize, withinInput: true)
        corpus.statistics.threadTimes.read += readClock.lap()
        guard more else { break }
        ingest(batch)
        reportProgress(progress, reader)
      }
      appendPendingBatch()
    }
    corpus.statistics.bytesRead = reader.bytesRead
    corpus.statistics.skippedRecords = reader.skippedRecordCount
    corpus.statistics.skippedMessages = reader.skippedRecordMessages
    corpus.statistics.times.front = clock.elapsed
    for sketcher in sketchers { corpus.statistics.threadTimes.add(sketcher.times) }
    guard corpus.documents.count > 0 else { throw .noDocuments(paths: reader.inputs.map(\.label)) }
    return corpus
  }

  func reportProgress(_ progress: ((PipelineProgress) -> Void)?, _ reader: CorpusReader) {
    progress?(
      PipelineProgress(
        stage: "read", documents: corpus.documents.count, bytes: reader.bytesRead, elapsed: started.elapsed))
  }

  /// Appends one document's table entries and counts its warnings.
  func record(_ sketch: DocumentSketch, id: String, preview: String, location: DocumentLocation, label: String?) {
    if let label { corpus.documents.labels.append(label) }
    corpus.documents.ids.append(id)
    corpus.documents.previews.append(preview)
    corpus.documents.locations.append(location)
    corpus.documents.tokenCounts.append(UInt32(clamping: sketch.tokenCount))
    corpus.documents.shingleCounts.append(UInt32(clamping: sketch.shingleCount))
    corpus.contentKeys.append(sketch.contentKey)
    if sketch.shingleCount == 0 {
      corpus.statistics.emptyDocuments += 1
      if corpus.statistics.emptyDocumentIDs.count < 10 { corpus.statistics.emptyDocumentIDs.append(id) }
    }
    if sketch.invalidUTF8Count > 0 {
      corpus.statistics.invalidUTF8Documents += 1
      if corpus.statistics.invalidUTF8DocumentIDs.count < 10 { corpus.statistics.invalidUTF8DocumentIDs.append(id) }
    }
    corpus.statistics.documents = corpus.documents.count
  }

  /// Sketches documents given in memory, with their positions (from 1) as line
  /// numbers; for callers that hold their documents already.
  /// - Precondition: ids are unique.
  package func sketch(documents records: [Document]) -> SketchedCorpus {
    var next = 0
    /// Replaces `batch` with the next `limit` records at most; false at the end.
    func read(into batch: inout DocumentBatch, limit: Int) -> Bool {
      batch.removeAll()
      for record in records[next..<min(records.count, next + limit)] {
        next += 1
        var text = record.text
        var title = record.title
        text.withUTF8 { body in
          let location = DocumentLocation(input: 0, line: Int32(truncatingIfNeeded: next))
          if title == nil {
            batch.append(id: record.id, title: nil, body: body, location: location)
          } else {
            title!.withUTF8 { batch.append(id: record.id, title: $0, body: body, location: location) }
          }
        }
      }
      return batch.count > 0
    }
    if samplePending { sketchSample { batch, limit in read(into: &batch, limit: limit) } }
    var batch = DocumentBatch()
    batch.keepsPreviews = keepsPreviews
    while read(into: &batch, limit: batchSize) { ingest(batch) }
    appendPendingBatch()
    for sketcher in sketchers { corpus.statistics.threadTimes.add(sketcher.times) }
    return corpus
  }

}
