// The boilerplate sample of `CorpusSketcher`: the first documents are sketched
// keeping every shingle, the stop shingles are learned from their sets, and the
// sampled documents are finished from those sets.

extension CorpusSketcher {
  // MARK: Boilerplate sample

  /// Reads the boilerplate sample — the first `boilerplate.sampleSize` documents that
  /// `read(batch, limit)` yields — and sketches it keeping every shingle; learns the
  /// stop shingles from it; then appends it to the corpus with them removed, from
  /// the fingerprint sets kept meanwhile. Later documents are sketched with them.
  /// `reserve(documents, setValues)` is called with the sample's size before it is
  /// appended, so that the corpus's arrays can be reserved once.
  /// - Complexity: O(sample bytes + sample shingles); the sample's fingerprint sets
  ///   are held until its documents are finished.
  func sketchSample<Failure: Error>(
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
    // last, up to the batch size: no sketching overlaps the first read, so a small
    // first batch keeps the other threads from waiting long for work. The later
    // reads overlap sketching.
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
}

/// One parallel chunk of the boilerplate sample: a sketcher that keeps every
/// shingle, and the fingerprint sets of the chunk's sampled documents (of every
/// batch, in order), which are also its tally.
/// - Invariant: used by one thread at a time (`parallelForEach` gives each chunk
///   number to one worker).
final class SampleChunk: @unchecked Sendable {
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

// MARK: The sample through the block route

extension CorpusSketcher {
  /// Collects the boilerplate sample — the first `boilerplate.sampleSize` documents
  /// accepted, across inputs — from line-oriented inputs through the block route,
  /// sketched keeping every shingle; learns the stop shingles from it; then
  /// finishes its documents, and those of the same blocks after it, from their
  /// kept fingerprint sets (`DocumentSketcher.finish`: the unfiltered signature is
  /// kept wherever no stop shingle was dropped). The reader is left after the last
  /// block collected, and later blocks are sketched with the stop shingles.
  /// - Precondition: every input is line-oriented.
  /// - Complexity: O(sample bytes + sample shingles); the sample's fingerprint sets
  ///   and unfiltered signatures are held until its documents are finished.
  func sketchSample(_ reader: CorpusReader, progress: ((PipelineProgress) -> Void)?) throws(CorpusError) {
    guard let boilerplate else { return }
    samplePending = false
    var clock = Stopwatch()
    let sample = BlockSample(size: boilerplate.sampleSize, permutationCount: parameters.permutationCount)
    while !sample.isFull && reader.currentInputKind != nil {
      try sketchLines(reader, sample: sample, progress: progress)
    }
    stopShingles = StopShingles(
      tallies: [sample.documents.tally], share: boilerplate.share, minimumDocuments: boilerplate.minimumDocuments,
      threads: threads)
    sketchers = Self.makeSketchers(parameters, retention, minHasher, stopShingles)
    finish(sample.documents)
    finish(sample.overflow)
    corpus.statistics.boilerplateShingles = stopShingles.count
    corpus.statistics.times.boilerplate = clock.lap()
  }

  /// Appends documents held unfiltered to the corpus, with the stop shingles
  /// removed from their sets: in batches of `batchSize` documents, each sketched in
  /// parallel chunks while the one before is appended, so that the batch buffers are
  /// reused rather than sized for the whole sample.
  /// - Complexity: O(n·k + set values) for n documents, plus a signature for each
  ///   document that held a stop shingle.
  private func finish(_ held: HeldDocuments) {
    let k = parameters.permutationCount
    var batch = DocumentBatch()
    held.sets.withSets { sets in
      held.signatures.withUnsafeBufferPointer { rows in
        for first in stride(from: 0, to: held.count, by: batchSize) {
          let documents = first..<min(held.count, first + batchSize)
          batch.ids.replaceSubrange(batch.ids.indices, with: held.ids[documents])
          batch.previews.replaceSubrange(batch.previews.indices, with: held.previews[documents])
          batch.locations.replaceSubrange(batch.locations.indices, with: held.locations[documents])
          batch.labels.replaceSubrange(batch.labels.indices, with: held.labels[documents])
          append(batch) { sketcher, _, index, signature in
            let document = first + index
            _ = signature.update(fromContentsOf: rows[document * k..<(document + 1) * k])
            return sketcher.finish(
              sortedFingerprints: sets[document], unfiltered: held.sketches[document], signature: signature)
          }
        }
      }
    }
    appendPendingBatch()
  }
}

/// Documents sketched from blocks keeping every shingle and held until the stop
/// shingles are known: their table entries, unfiltered sketches and signatures, and
/// sorted fingerprint sets.
/// - Invariant: every array has `count` entries, `signatures` `count` rows of k
///   slots, `sets` `count` sets; in collection (input) order.
struct HeldDocuments {
  var ids: [String] = []
  var previews: [String] = []
  var locations: [DocumentLocation] = []
  var labels: [String] = []
  var sketches: [DocumentSketch] = []
  var signatures: [UInt32] = []
  var sets = FingerprintStore<UInt64>()

  var count: Int { ids.count }

  /// The documents tallied for boilerplate learning.
  var tally: ShingleTally { ShingleTally(values: sets.values, documents: sets.count) }

  /// Appends document `position` of `result` (sketched with `.fingerprints`
  /// retention), as `id` at `location`.
  mutating func append(
    _ result: SketchedBlock, at position: Int, id: String, location: DocumentLocation, permutationCount k: Int
  ) {
    ids.append(id)
    previews.append(result.previews[position])
    locations.append(location)
    labels.append(result.labels[position])
    sketches.append(result.sketches[position])
    result.signatures.withUnsafeBufferPointer { signatures.append(contentsOf: $0[position * k..<(position + 1) * k]) }
    result.fingerprints.withSets { sets.append($0[position]) }
  }
}

/// The boilerplate sample as the block route collects it: the first `size`
/// documents accepted, then the rest of the blocks already read when it filled
/// (`overflow`), which are finished with it but not learned from.
final class BlockSample {
  /// Documents sampled.
  let size: Int
  private let permutationCount: Int
  /// The sample: the first `size` documents accepted (fewer in a smaller corpus).
  private(set) var documents = HeldDocuments()
  /// Documents collected after the sample filled.
  private(set) var overflow = HeldDocuments()
  private var reserved = false

  init(size: Int, permutationCount: Int) {
    self.size = max(0, size)
    self.permutationCount = permutationCount
  }

  /// Whether the sample holds `size` documents.
  var isFull: Bool { documents.count >= size }

  /// Reserves room for the sample at the documents and set values of a first
  /// block, once: for at most 32 such blocks (what five doublings would reach),
  /// a tenth more values per document, so that the sets do not grow by doubling,
  /// copying their values.
  func reserve(blockDocuments: Int, blockValues: Int) {
    guard !reserved, blockDocuments > 0 else { return }
    reserved = true
    let count = min(size, 32 * blockDocuments)
    let values = Int(Double(blockValues) / Double(blockDocuments) * Double(count) * 1.1)
    documents.sets.reserveCapacity(sets: count, values: values)
    documents.signatures.reserveCapacity(count * permutationCount)
  }

  /// Appends document `position` of `result` to the sample, or once it is full to
  /// the overflow.
  func append(_ result: SketchedBlock, at position: Int, id: String, location: DocumentLocation) {
    if documents.count < size {
      documents.append(result, at: position, id: id, location: location, permutationCount: permutationCount)
    } else {
      overflow.append(result, at: position, id: id, location: location, permutationCount: permutationCount)
    }
  }
}
