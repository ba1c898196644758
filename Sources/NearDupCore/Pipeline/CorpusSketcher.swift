import Dispatch
import Foundation

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

  /// Creates a progress report.
  public init(stage: String, documents: Int, bytes: Int, elapsed: Double) {
    self.stage = stage
    self.documents = documents
    self.bytes = bytes
    self.elapsed = elapsed
  }
}

/// Every document of a corpus reduced to what the later stages need: the
/// `DocumentTable`, the signatures, the digest or fingerprint sets (as kept) and the
/// content keys that identify identical normalized texts.
///
/// - Invariant: the table, the signature matrix, `contentKeys` and the kept set
///   store all hold `documents.count` rows in input order.
public struct SketchedCorpus: Sendable {
  /// Ids, previews, origins and sizes.
  public var documents = DocumentTable()
  /// One signature per document.
  public var signatures: SignatureMatrix
  /// One sorted 32-bit digest set per document, with `.digests` retention.
  public var digests: DigestStore?
  /// One sorted 64-bit fingerprint set per document, with `.fingerprints` retention.
  public var fingerprints: FingerprintStore<UInt64>?
  /// One 128-bit hash of the normalized text per document.
  public var contentKeys: [ContentKey] = []
  /// Counts and the read and sketch timings.
  public var statistics = PipelineStatistics()

  /// An empty corpus for signatures of `permutationCount` slots.
  public init(permutationCount: Int, retention: SetRetention) {
    signatures = SignatureMatrix(permutationCount: permutationCount)
    digests = retention == .digests ? DigestStore() : nil
    fingerprints = retention == .fingerprints ? FingerprintStore() : nil
  }

  /// Reserves room for `documents` more documents whose sets hold `setValues`
  /// values in all, so that growing the large arrays never copies them.
  public mutating func reserveCapacity(documents count: Int, setValues: Int) {
    let total = documents.count + count
    documents.ids.reserveCapacity(total)
    documents.previews.reserveCapacity(total)
    documents.locations.reserveCapacity(total)
    documents.tokenCounts.reserveCapacity(total)
    documents.shingleCounts.reserveCapacity(total)
    contentKeys.reserveCapacity(total)
    signatures.reserveCapacity(rows: total)
    digests?.reserveCapacity(sets: count, values: setValues)
    fingerprints?.reserveCapacity(sets: count, values: setValues)
  }

  /// Appends one document that was sketched elsewhere (an index segment): its
  /// fingerprint set is kept as fingerprints or digests, as this corpus keeps sets.
  /// - Precondition: `signature.count == signatures.permutationCount`.
  public mutating func append(
    id: String, preview: String, location: DocumentLocation, tokenCount: Int, contentKey: ContentKey,
    signature: UnsafeBufferPointer<UInt32>, fingerprints set: UnsafeBufferPointer<UInt64>
  ) {
    documents.ids.append(id)
    documents.previews.append(preview)
    documents.locations.append(location)
    documents.tokenCounts.append(UInt32(clamping: tokenCount))
    contentKeys.append(contentKey)
    signatures.append(rows: signature)
    fingerprints?.append(set)
    var digestSet = set.map(FingerprintSet.digest)
    FingerprintSet.sortAndRemoveDuplicates(&digestSet)
    digestSet.withUnsafeBufferPointer { digests?.append($0) }
    documents.shingleCounts.append(UInt32(clamping: fingerprints != nil ? set.count : digestSet.count))
    statistics.documents = documents.count
  }
}

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
/// With `boilerplate`, the first documents (the sample) are read in batches — the
/// next batch read while the workers sketch this one — and sketched keeping every
/// shingle; the boilerplate shingles are learned from them, and then the sample is
/// finished from its kept fingerprint sets — the stop shingles removed, signatures
/// and sets made again — without reading or tokenizing it a second time. Every later
/// document is sketched with the stop shingles.
///
/// - Invariant: the result is identical for every thread count, batch size and
///   block size.
/// - Complexity: O(B + N·(s + k)) for N documents of B bytes and s shingles (O(N·s·k)
///   with `.minhash`). Memory: O(N·(k + s)) for signatures and sets, plus the
///   pipeline's ring of 4 blocks per worker, one on one thread (raw text and
///   sketched results), plus the sample's fingerprints (8 bytes each) while learning.
public final class CorpusSketcher {
  /// The sketch parameters.
  public let parameters: SketchParameters
  /// The largest number of threads.
  public let threads: Int
  /// Documents per batch (batch path).
  public let batchSize: Int
  /// The sets kept per document.
  public let retention: SetRetention
  /// How the boilerplate shingles are learned (nil: none are dropped).
  public let boilerplate: BoilerplateLearning?
  /// Whether documents' previews are kept (otherwise they are empty).
  public let keepsPreviews: Bool
  /// Shingles dropped from every document: empty until learned from the sample.
  public private(set) var stopShingles = StopShingles.none
  /// Whether the boilerplate sample is still to be read.
  private var samplePending: Bool
  /// Whether documents' labels are kept (set from the reader's options).
  private var labelsWanted = false
  /// The input whose arrays were reserved from the boilerplate sample, if any.
  private var reservedInput: Int?
  private let minHasher: MinHasher
  private var sketchers: [DocumentSketcher]
  private var corpus: SketchedCorpus
  /// The last batch `append` sketched, not yet in the corpus.
  private var pendingBatch: SketchedBatch?
  /// The buffers of the batch appended before it, for the next batch.
  private var spareBatch = SketchedBatch()
  private let started = Stopwatch()

  /// Sketching chunks per batch: enough to balance threads, few enough to keep the
  /// per-chunk overhead small.
  private static let chunksPerBatch = 16
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
  public init(
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
    sketchers = Self.makeSketchers(parameters, retention, minHasher, .none)
    corpus = SketchedCorpus(permutationCount: parameters.permutationCount, retention: retention)
    corpus.statistics.threads = threads
  }

  private static func makeSketchers(
    _ parameters: SketchParameters, _ retention: SetRetention, _ minHasher: MinHasher, _ stopShingles: StopShingles
  ) -> [DocumentSketcher] {
    (0..<chunksPerBatch).map { _ in
      DocumentSketcher(parameters: parameters, retention: retention, minHasher: minHasher, stopShingles: stopShingles)
    }
  }

  /// Reads and sketches every document of `reader`.
  /// - Parameter progress: Called on the calling thread after each wave or batch.
  /// - Throws: `CorpusError` from reading; `.noDocuments` when there are none.
  public func sketch(reader: CorpusReader, progress: ((PipelineProgress) -> Void)? = nil) throws(CorpusError)
    -> SketchedCorpus
  {
    labelsWanted = reader.options.labelField != nil
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

  private func reportProgress(_ progress: ((PipelineProgress) -> Void)?, _ reader: CorpusReader) {
    progress?(
      PipelineProgress(stage: "read", documents: corpus.documents.count, bytes: reader.bytesRead, elapsed: started.elapsed))
  }

  // MARK: Boilerplate sample

  /// Reads the boilerplate sample — the first `boilerplate.sampleSize` documents that
  /// `read(batch, limit)` yields — and sketches it keeping every shingle; learns the
  /// stop shingles from it; then appends it to the corpus with them removed, from
  /// the fingerprint sets kept meanwhile. Later documents are sketched with them.
  /// `reserve(documents, setValues)` is called with the sample's size before it is
  /// appended, so that the corpus's arrays can be reserved once.
  /// - Complexity: O(sample bytes + sample shingles); the sample's fingerprint sets
  ///   are held until its documents are finished.
  private func sketchSample<Failure: Error>(
    read: (inout DocumentBatch, _ limit: Int) throws(Failure) -> Bool, progress: () -> Void = {},
    reserve: (_ documents: Int, _ setValues: Int) -> Void = { _, _ in }
  ) throws(Failure) {
    guard let boilerplate else { return }
    samplePending = false
    var clock = Stopwatch()
    let chunks = (0..<Self.chunksPerBatch).map { _ in SampleChunk(parameters: parameters, minHasher: minHasher) }
    // Each sampled batch (without its text, which the kept sets replace), with the
    // set number of its first document in each chunk.
    var sampled: [(batch: DocumentBatch, sketches: [DocumentSketch], firstSets: [Int])] = []
    // Two batches take turns: one is sketched while the next is read into the other,
    // whose buffers are reused.
    var batch = DocumentBatch()
    batch.keepsPreviews = keepsPreviews
    var next = DocumentBatch()
    next.keepsPreviews = keepsPreviews
    var documents = 0
    // The first batch is a quarter of the batch size, and each next one twice the
    // last, up to the batch size: no sketching overlaps the first read, and a full
    // batch read into fresh buffers took 21 ms on two threads while the second one
    // waited. The later reads overlap sketching.
    var limit = max(1, batchSize / 4)
    var more = boilerplate.sampleSize > 0 ? try read(&batch, min(limit, boilerplate.sampleSize)) : false
    while more {
      let count = batch.count
      // After the first batch, each chunk reserves room for its share of the whole
      // sample at the first batch's values per document (a tenth more), so that its
      // set store does not grow by doubling, copying its values and faulting in the
      // pages of every new allocation. The share counts at most 32 times the first
      // batch's documents (eight full batches), what five doublings would reach
      // anyway: a sample size beyond the input reserves little for documents that
      // never come. (Mapping the reserved pages in one call as well, as the corpus
      // stores do, was slower on two threads.)
      var reservation: (documents: Int, values: Int)?
      if sampled.count == 1 {
        let chunkDocuments = min(boilerplate.sampleSize, 32 * documents) / Self.chunksPerBatch + 1
        let valuesPerDocument = Double(chunks.reduce(0) { $0 + $1.sets.values.count }) / Double(documents)
        reservation = (chunkDocuments, Int(valuesPerDocument * Double(chunkDocuments) * 1.1))
      }
      documents += count
      let chunkCount = min(Self.chunksPerBatch, count)
      var sketches = [DocumentSketch](repeating: .empty, count: count)
      let firstSets = chunks.prefix(chunkCount).map(\.sets.count)
      // Task 0 reads the next batch while the others sketch this one's chunks; the
      // thread that reads takes chunks too once it is done.
      limit = min(batchSize, 2 * limit)
      let nextLimit = min(limit, boilerplate.sampleSize - documents)
      var nextRead = Result<Bool, Failure>.success(false)
      sketches.withUnsafeMutableBufferPointer { sketchBuffer in
        let output = DisjointRows(sketchBuffer)
        batch.content.withUnsafeBufferPointer { content in
          parallelForEach(chunkCount: chunkCount + 1, threads: threads) { task in
            guard task > 0 else {
              if nextLimit > 0 { nextRead = Result { () throws(Failure) in try read(&next, nextLimit) } }
              return
            }
            let chunk = task - 1
            if let reservation { chunks[chunk].reserve(documents: reservation.documents, values: reservation.values) }
            for document in chunkRange(chunk, of: chunkCount, count: count) {
              let (title, body) = batch.titleAndBody(of: document, in: content)
              output.base[document] = chunks[chunk].gather(title: title, body: body)
            }
          }
        }
      }
      sampled.append((batch.withoutText(), sketches, firstSets))
      progress()
      more = try nextRead.get()
      swap(&batch, &next)
    }
    stopShingles = StopShingles(
      tallies: chunks.map(\.tally), share: boilerplate.share, minimumDocuments: boilerplate.minimumDocuments,
      threads: threads)
    for chunk in chunks { corpus.statistics.threadTimes.add(chunk.times) }
    reserve(documents, chunks.reduce(0) { $0 + $1.sets.values.count })
    sketchers = Self.makeSketchers(parameters, retention, minHasher, stopShingles)
    // The same chunks as when sampled: chunk c's sets are its documents' in order.
    for (batch, sketches, firstSets) in sampled {
      append(batch) { sketcher, chunk, document, signature in
        let set = firstSets[chunk] + document - chunkRange(chunk, of: firstSets.count, count: batch.count).lowerBound
        return chunks[chunk].sets.withSets { sets in
          sketcher.sketch(sortedFingerprints: sets[set], unfiltered: sketches[document], signature: signature)
        }
      }
    }
    appendPendingBatch()
    corpus.statistics.boilerplateShingles = stopShingles.count
    corpus.statistics.times.boilerplate = clock.lap()
  }

  // MARK: Blocks of lines

  /// Sketches the current (line-oriented) input block by block: a `BlockPipeline`
  /// keeps `threads − 1` worker threads and this thread, which also collects in
  /// input order, busy at once. With one thread this thread reads, sketches and
  /// collects each block in turn.
  private func sketchLines(_ reader: CorpusReader, progress: ((PipelineProgress) -> Void)?) throws(CorpusError) {
    let input = reader.currentInputIndex
    // Lines before it went to the boilerplate sample.
    let firstLineBase = reader.currentLineNumber
    var lineBase = firstLineBase
    // The reader's errors count the lines before the blocks only (blocks do not
    // count lines): add those of the blocks collected, all before the failing one.
    func placed(_ error: CorpusError) -> CorpusError { error.shiftingLines(by: lineBase - firstLineBase) }
    var planned = reservedInput == input
    let blockSize = blockSize(for: reader.inputs[input])
    func collectBlock(_ result: SketchedBlock, _ block: LineBlock) throws(CorpusError) {
      // Oversized lines the reader read past (when skipping) come before the block's.
      for size in block.skippedLineSizes {
        lineBase += 1
        try reader.skipOversizedLine(path: block.path, line: lineBase, bytes: size)
      }
      if !planned {
        planned = true
        reserveCapacity(
          forInput: reader.inputs[input], reader: reader, documents: result.lines.count,
          setValues: retention == .fingerprints ? result.fingerprints.values.count : result.digests.values.count,
          bytes: block.byteCount)
      }
      try collect(result, block: block, reader: reader, lineBase: lineBase)
      lineBase += result.lineCount
      corpus.statistics.threadTimes.add(result.times)
      reportProgress(progress, reader)
    }
    let pipeline = BlockPipeline(
      reader: reader, blockSize: blockSize, workers: (0..<threads).map { _ in
        BlockSketcher(
        parameters: parameters, retention: retention, options: reader.options, minHasher: minHasher,
        stopShingles: stopShingles, keepsPreviews: keepsPreviews)
      })
    pipeline.start()
    defer { pipeline.finish() }
    while true {
      let next: (SketchedBlock, LineBlock)?
      do throws(CorpusError) { next = try pipeline.nextResult() } catch { throw placed(error) }
      guard let (result, block) = next else { break }
      try collectBlock(result, block)
      pipeline.release()
    }
    corpus.statistics.threadTimes.read += pipeline.readSeconds
  }

  /// The block size for `input`: the largest on one thread, from standard input, or
  /// for files of more than `maximumBlockSize · blocksPerWorker` bytes per thread;
  /// smaller for smaller files, so that their last blocks balance across the
  /// workers (Reuters-21578, 23 MB on two threads: 711 KiB blocks instead of 2 MiB).
  private func blockSize(for input: CorpusInput) -> Int {
    guard threads > 1, let size = Self.fileSize(of: input) else { return Self.maximumBlockSize }
    return min(Self.maximumBlockSize, max(Self.minimumBlockSize, size / (threads * Self.blocksPerWorker)))
  }

  /// The size in bytes of the file `input` reads; nil for standard input or a path
  /// that cannot be inspected.
  private static func fileSize(of input: CorpusInput) -> Int? {
    var status = stat()
    guard input.path != "-", stat(input.path, &status) == 0 else { return nil }
    return Int(status.st_size)
  }

  /// Reserves the corpus's arrays and the reader's id table for a whole
  /// uncompressed input file, estimated from its size and the documents and set
  /// values in its first `bytes` (the first block, or the boilerplate sample), so
  /// that a million-document corpus is not copied or rehashed while they grow.
  /// Returns whether it reserved (not for standard input, gzip data, or a file
  /// less than four times `bytes`).
  @discardableResult
  private func reserveCapacity(
    forInput input: CorpusInput, reader: CorpusReader, documents sampleDocuments: Int, setValues: Int, bytes: Int
  ) -> Bool {
    guard let documents = Self.estimatedDocuments(in: input, documents: sampleDocuments, bytes: bytes) else { return false }
    corpus.reserveCapacity(documents: documents, setValues: Int(Double(setValues) * Double(documents) / Double(sampleDocuments)))
    reader.reserveIDs(documents)
    return true
  }

  /// The documents of a whole uncompressed input file, a quarter more than
  /// `documents` found in its first `bytes` would make at that rate; nil for
  /// standard input, gzip data, or a file less than four times `bytes`. The margin
  /// is wide because a first block can be unrepresentative (Reuters-21578's first
  /// 711 KiB predicted 21,576 of its 21,578 documents at a twentieth more, and the
  /// signature matrix was copied into one twice its size), while the corpus arrays
  /// it sizes take only address space until they are written (the id table, zeroed
  /// when sized, is at most one doubling larger).
  private static func estimatedDocuments(in input: CorpusInput, documents: Int, bytes: Int) -> Int? {
    guard bytes > 0, documents > 0, let size = fileSize(of: input), size > 4 * bytes else { return nil }
    var head = [UInt8](repeating: 0, count: 2)
    if let handle = FileHandle(forReadingAtPath: input.path) {
      head = Array(handle.readData(ofLength: 2))
      try? handle.close()
    }
    guard head != [0x1F, 0x8B] else { return nil }  // gzip: the file size says little
    return Int(Double(documents) * Double(size) / Double(bytes) * 1.25)
  }

  /// Appends a sketched block's documents in line order, registering ids and
  /// accounting for invalid records.
  private func collect(_ result: SketchedBlock, block: LineBlock, reader: CorpusReader, lineBase: Int) throws(CorpusError) {
    let k = parameters.permutationCount
    corpus.signatures.populateSpareCapacity(rows: result.lines.count)
    corpus.digests?.populateSpareCapacity(values: result.digests.values.count)
    corpus.fingerprints?.populateSpareCapacity(values: result.fingerprints.values.count)
    var errorIndex = 0
    func flushErrors(before line: Int) throws(CorpusError) {
      while errorIndex < result.errors.count && result.errors[errorIndex].line < line {
        try reader.skipInvalidRecord(result.errors[errorIndex].error.shiftingLines(by: lineBase))
        errorIndex += 1
      }
    }
    for position in result.lines.indices {
      try flushErrors(before: result.lines[position])
      if !block.isLines && position &+ Self.idPrefetchDistance < result.idHashes.count {
        reader.prefetchID(hash: result.idHashes[position &+ Self.idPrefetchDistance])
      }
      let line = lineBase + result.lines[position]
      let id = block.isLines ? RecordParser.lineID(line, path: block.path, prefixed: reader.prefixesLineIDs) : result.ids[position]
      let location = DocumentLocation(input: Int32(block.input), line: Int32(truncatingIfNeeded: line))
      do throws(CorpusError) {
        try reader.register(id: id, hash: block.isLines ? nil : result.idHashes[position], at: location)
      } catch {
        try reader.skipInvalidRecord(error)
        continue
      }
      result.signatures.withUnsafeBufferPointer { rows in
        corpus.signatures.append(rows: UnsafeBufferPointer(rebasing: rows[position * k..<(position + 1) * k]))
      }
      switch retention {
      case .digests: result.digests.withSets { sets in corpus.digests!.append(sets[position]) }
      case .fingerprints: result.fingerprints.withSets { sets in corpus.fingerprints!.append(sets[position]) }
      case .none: break
      }
      record(
        result.sketches[position], id: id, preview: result.previews[position], location: location,
        label: labelsWanted ? result.labels[position] : nil)
    }
    try flushErrors(before: Int.max)
  }

  /// Appends one document's table entries and counts its warnings.
  private func record(_ sketch: DocumentSketch, id: String, preview: String, location: DocumentLocation, label: String?) {
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
  public func sketch(documents records: [Document]) -> SketchedCorpus {
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

  /// Sketches one batch in parallel chunks and appends it to the corpus.
  private func ingest(_ batch: DocumentBatch) {
    batch.content.withUnsafeBufferPointer { content in
      append(batch) { sketcher, _, document, signature in
        let (title, body) = batch.titleAndBody(of: document, in: content)
        return sketcher.sketch(title: title, body: body, signature: signature)
      }
    }
  }

  /// Sketches the documents of `batch` in parallel chunks by `sketch(sketcher,
  /// chunk, document, signature)` — the chunk's sketcher writes the document's
  /// signature and leaves its set for the corpus to keep — and leaves them pending,
  /// while one task appends the batch pending before (if any) to the corpus. The
  /// serial part of a batch, copying its rows and sets and recording its documents,
  /// thus overlaps the next batch's sketching; `appendPendingBatch()` appends the last.
  /// Chunk c of a batch of n documents holds documents `chunkRange(c, of: min(16,
  /// n), count: n)`.
  /// - Complexity: O(n·k) to copy the signatures plus the sets' values, besides the
  ///   sketching; the buffers of two batches are reused batch after batch.
  private func append(
    _ batch: DocumentBatch,
    sketch: (inout DocumentSketcher, _ chunk: Int, _ document: Int, UnsafeMutableBufferPointer<UInt32>) -> DocumentSketch
  ) {
    let count = batch.count
    let k = parameters.permutationCount
    let chunkCount = min(Self.chunksPerBatch, count)
    let previous = pendingBatch
    pendingBatch = nil
    var sketched = spareBatch
    spareBatch = SketchedBatch()
    sketched.prepare(batch.withoutText(), chunkCount: chunkCount, permutationCount: k)
    let retention = retention
    sketched.signatures.withUnsafeMutableBufferPointer { rows in
      let signatureRows = DisjointRows(rows)
      sketched.sketches.withUnsafeMutableBufferPointer { sketchBuffer in
        let sketchOutput = DisjointRows(sketchBuffer)
        sketched.chunkFingerprints.withUnsafeMutableBufferPointer { setsBuffer in
          let setOutput = DisjointRows(setsBuffer)
          sketched.chunkDigests.withUnsafeMutableBufferPointer { digestsBuffer in
            let digestOutput = DisjointRows(digestsBuffer)
            sketchers.withUnsafeMutableBufferPointer { sketcherBuffer in
              let workers = DisjointRows(sketcherBuffer)
              // Task 0 appends the previous batch; the thread that runs it takes
              // chunks too once it is done.
              parallelForEach(chunkCount: chunkCount + 1, threads: threads) { task in
                guard task > 0 else {
                  if let previous { self.commit(previous) }
                  return
                }
                let chunk = task - 1
                for document in chunkRange(chunk, of: chunkCount, count: count) {
                  let row = UnsafeMutableBufferPointer(rebasing: signatureRows.base[document * k..<(document + 1) * k])
                  sketchOutput.base[document] = sketch(&workers.base[chunk], chunk, document, row)
                  switch retention {
                  case .fingerprints:
                    workers.base[chunk].fingerprints.withUnsafeBufferPointer { setOutput.base[chunk].append($0) }
                  case .digests:
                    workers.base[chunk].digests.withUnsafeBufferPointer { digestOutput.base[chunk].append($0) }
                  case .none: break
                  }
                }
              }
            }
          }
        }
      }
    }
    if let previous { spareBatch = previous }
    pendingBatch = sketched
  }

  /// Appends the batch `append` left pending, if any.
  private func appendPendingBatch() {
    guard let previous = pendingBatch else { return }
    pendingBatch = nil
    commit(previous)
    spareBatch = previous
  }

  /// Appends a sketched batch's signatures, kept sets and table entries to the corpus.
  /// - Complexity: O(n·k + set values) for n documents.
  private func commit(_ sketched: SketchedBatch) {
    let count = sketched.sketches.count
    corpus.signatures.populateSpareCapacity(rows: count)
    sketched.signatures.withUnsafeBufferPointer { corpus.signatures.append(rows: $0) }
    let chunks = 0..<sketched.chunkCount
    switch retention {
    case .fingerprints:
      corpus.fingerprints!.populateSpareCapacity(values: chunks.reduce(0) { $0 + sketched.chunkFingerprints[$1].values.count })
      for chunk in chunks { corpus.fingerprints!.append(contentsOf: sketched.chunkFingerprints[chunk]) }
    case .digests:
      corpus.digests!.populateSpareCapacity(values: chunks.reduce(0) { $0 + sketched.chunkDigests[$1].values.count })
      for chunk in chunks { corpus.digests!.append(contentsOf: sketched.chunkDigests[chunk]) }
    case .none: break
    }
    let batch = sketched.batch
    for index in 0..<count {
      record(
        sketched.sketches[index], id: batch.ids[index], preview: batch.previews[index], location: batch.locations[index],
        label: labelsWanted ? batch.labels[index] : nil)
    }
  }
}

/// A batch sketched in parallel chunks and not yet appended to the corpus (see
/// `CorpusSketcher.append`).
/// - Invariant: after `prepare`, `signatures` holds `sketches.count` rows, and the
///   first `chunkCount` chunk stores hold the chunks' sets in document order.
private struct SketchedBatch {
  /// The batch's ids, previews, locations and labels, without its text.
  var batch = DocumentBatch()
  /// One signature row per document.
  var signatures: [UInt32] = []
  /// One sketch per document.
  var sketches: [DocumentSketch] = []
  /// The chunks the batch was sketched in.
  var chunkCount = 0
  /// Each chunk's fingerprint sets (with `.fingerprints` retention).
  var chunkFingerprints: [FingerprintStore<UInt64>] = []
  /// Each chunk's digest sets (with `.digests` retention).
  var chunkDigests: [DigestStore] = []

  /// Empties the buffers, keeping their capacity, for the `batch.count` documents of
  /// `batch` in `chunkCount` chunks.
  mutating func prepare(_ batch: DocumentBatch, chunkCount: Int, permutationCount: Int) {
    self.batch = batch
    self.chunkCount = chunkCount
    signatures.removeAll(keepingCapacity: true)
    signatures.append(contentsOf: repeatElement(UInt32.max, count: batch.count * permutationCount))
    sketches.removeAll(keepingCapacity: true)
    sketches.append(contentsOf: repeatElement(.empty, count: batch.count))
    for chunk in chunkFingerprints.indices { chunkFingerprints[chunk].removeAll() }
    for chunk in chunkDigests.indices { chunkDigests[chunk].removeAll() }
    if chunkFingerprints.count < chunkCount {
      chunkFingerprints.append(contentsOf: repeatElement(FingerprintStore(), count: chunkCount - chunkFingerprints.count))
    }
    if chunkDigests.count < chunkCount {
      chunkDigests.append(contentsOf: repeatElement(DigestStore(), count: chunkCount - chunkDigests.count))
    }
  }
}

/// One parallel chunk of the boilerplate sample: a sketcher that keeps every
/// shingle, and the fingerprint sets of the chunk's sampled documents (of every
/// batch, in order), which are also its tally.
/// - Invariant: used by one thread at a time (`parallelForEach` gives each chunk
///   number to one worker).
private final class SampleChunk: @unchecked Sendable {
  private var sketcher: DocumentSketcher
  /// The sorted fingerprint sets of the chunk's sampled documents.
  private(set) var sets = FingerprintStore<UInt64>()
  /// Per-stage thread time of the sampled documents.
  var times: StageNanoseconds { sketcher.times }
  /// The chunk's documents, tallied for boilerplate learning.
  var tally: ShingleTally { ShingleTally(values: sets.values, documents: sets.count) }

  init(parameters: SketchParameters, minHasher: MinHasher) {
    sketcher = DocumentSketcher(parameters: parameters, retention: .fingerprints, minHasher: minHasher)
  }

  /// Reserves room for `documents` sets of `values` values in all.
  func reserve(documents: Int, values: Int) {
    sets.reserveCapacity(sets: max(0, documents - sets.count), values: max(0, values - sets.values.count))
  }

  /// Sketches one document keeping every shingle, and keeps its fingerprint set.
  func gather(title: UnsafeBufferPointer<UInt8>?, body: UnsafeBufferPointer<UInt8>) -> DocumentSketch {
    let sketch = sketcher.sketch(title: title, body: body, signature: nil)
    sketcher.fingerprints.withUnsafeBufferPointer { sets.append($0) }
    return sketch
  }
}

/// Keeps `workers.count` threads busy over the blocks of one line-oriented input:
/// `workers.count − 1` worker threads and the collecting thread (the caller of
/// `nextResult`), which sketches with `workers[0]` whenever the next result in input
/// order is not ready.
///
/// Blocks live in a ring of `capacity` slots, each taken in turn by a thread that
/// reads it (fill), a thread that sketches it, and the collector (append in input
/// order, then release). A thread that finds no block waiting reads the next one
/// itself, one thread at a time, and then usually sketches it while its text is in
/// its cache. No thread only reads or only collects: on two cores, a separate
/// reader and collector preempted the workers hundreds of times per 100,000
/// documents, and the main pass took 0.389 s instead of 0.369 s. Reading runs at
/// most `capacity` blocks ahead of collecting, so memory stays bounded whatever the
/// input size.
///
/// - Invariant: a slot is touched by one thread at a time, as its state says; all
///   state changes happen under `condition`; blocks are read one at a time, in
///   input order. Slots and workers are objects in arrays that never change, so that
///   threads working on different slots never access one array at the same time (a
///   mutation through a shared array could copy it, losing another thread's write).
final class BlockPipeline: @unchecked Sendable {
  private enum SlotState { case empty, read, sketching, sketched }

  /// One slot of the ring: a block of lines and its sketched result.
  private final class Slot {
    var block = LineBlock()
    var result = SketchedBlock()
    var state = SlotState.empty
  }

  /// A worker's sketcher, used by one thread.
  private final class Worker {
    var sketcher: BlockSketcher
    init(_ sketcher: BlockSketcher) { self.sketcher = sketcher }
  }

  private let reader: CorpusReader
  private let input: Int
  private let blockSize: Int
  private let workers: [Worker]
  private let capacity: Int
  private let slots: [Slot]
  private let condition = NSCondition()
  private var readCount = 0
  private var sketchCount = 0
  private var collectCount = 0
  private var reading = false
  private var readingDone = false
  private var stopping = false
  private var readError: CorpusError?
  private let threadsDone = DispatchGroup()
  /// Seconds spent reading, summed over the threads that read.
  private(set) var readSeconds = 0.0

  /// A pipeline over the current input of `reader`.
  /// - Precondition: `workers` is not empty; `workers[0]` serves the collecting thread.
  init(reader: CorpusReader, blockSize: Int, workers: [BlockSketcher]) {
    self.reader = reader
    input = reader.currentInputIndex
    self.blockSize = blockSize
    self.workers = workers.map(Worker.init)
    // One thread needs no block ahead: it reads, sketches and collects each in turn.
    capacity = workers.count == 1 ? 1 : 4 * workers.count
    slots = (0..<capacity).map { _ in Slot() }
  }

  /// Starts the worker threads.
  func start() {
    for worker in workers.indices.dropFirst() {
      threadsDone.enter()
      Thread { self.workLoop(worker) }.start()
    }
  }

  /// Stops the threads (also after an error) and waits for them.
  func finish() {
    condition.lock()
    stopping = true
    condition.broadcast()
    condition.unlock()
    threadsDone.wait()
  }

  /// Whether the calling thread may read the next block: nobody is reading, the
  /// input is not exhausted, and the ring has an empty slot. Called under `condition`.
  private var mayRead: Bool { !reading && !readingDone && readCount - collectCount < capacity }

  /// Reads the next block into its slot. Called under `condition` when `mayRead`;
  /// releases it while reading and holds it again on return.
  private func readNext() {
    reading = true
    // The slot is empty: nobody else touches it until it is marked read.
    let slot = readCount % capacity
    condition.unlock()
    var clock = Stopwatch()
    let outcome = Result { () throws(CorpusError) -> Bool in
      guard reader.currentInputIndex == input else { return false }
      return try reader.readBlock(into: &slots[slot].block, targetSize: blockSize)
    }
    let seconds = clock.lap()
    condition.lock()
    readSeconds += seconds
    reading = false
    switch outcome {
    case .success(true):
      slots[slot].state = .read
      readCount += 1
    case .success(false):
      readingDone = true
    case .failure(let error):
      readError = error
      readingDone = true
    }
    condition.broadcast()
  }

  /// Sketches the oldest block read and not yet taken, with `workers[worker]`.
  /// Called under `condition` when `sketchCount < readCount`; releases it while
  /// sketching and holds it again on return.
  private func sketchNext(_ worker: Int) {
    let slot = sketchCount % capacity
    sketchCount += 1
    slots[slot].state = .sketching
    condition.unlock()
    workers[worker].sketcher.sketch(slots[slot].block, into: &slots[slot].result)
    condition.lock()
    slots[slot].state = .sketched
    condition.broadcast()
  }

  private func workLoop(_ worker: Int) {
    defer { threadsDone.leave() }
    condition.lock()
    defer { condition.unlock() }
    while !stopping {
      if sketchCount < readCount {
        sketchNext(worker)
      } else if mayRead {
        readNext()
      } else if readingDone {
        return
      } else {
        condition.wait()
      }
    }
  }

  /// The next block's result in input order; until it is ready, the calling thread
  /// sketches or reads blocks itself, or waits. Nil when the input is exhausted.
  /// - Throws: the reading error, once every block before it is collected.
  func nextResult() throws(CorpusError) -> (SketchedBlock, LineBlock)? {
    condition.lock()
    defer { condition.unlock() }
    let slot = collectCount % capacity
    while true {
      if collectCount < readCount && slots[slot].state == .sketched { return (slots[slot].result, slots[slot].block) }
      if collectCount == readCount && readingDone {
        if let readError { throw readError }
        return nil
      }
      if sketchCount < readCount {
        sketchNext(0)
      } else if mayRead {
        readNext()
      } else {
        condition.wait()
      }
    }
  }

  /// Hands the slot of the last result back for reading.
  func release() {
    condition.lock()
    slots[collectCount % capacity].state = .empty
    collectCount += 1
    condition.broadcast()
    condition.unlock()
  }
}
