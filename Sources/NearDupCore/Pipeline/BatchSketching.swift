// The batch route of `CorpusSketcher`: documents read in batches (whole files,
// directories, documents given in memory) are sketched in parallel chunks, and each
// batch is appended to the corpus while the next one is sketched.

extension CorpusSketcher {
  /// Sketches one batch in parallel chunks and appends it to the corpus.
  func ingest(_ batch: DocumentBatch) {
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
  func append(
    _ batch: DocumentBatch,
    sketch: (inout DocumentSketcher, _ chunk: Int, _ document: Int, UnsafeMutableBufferPointer<UInt32>) ->
      DocumentSketch
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
                  case .signaturesOnly: break
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
  func appendPendingBatch() {
    guard let previous = pendingBatch else { return }
    pendingBatch = nil
    commit(previous)
    spareBatch = previous
  }

  /// Appends a sketched batch's signatures, kept sets and table entries to the corpus.
  /// - Complexity: O(n·k + set values) for n documents.
  func commit(_ sketched: SketchedBatch) {
    let count = sketched.sketches.count
    corpus.signatures.populateSpareCapacity(rows: count)
    sketched.signatures.withUnsafeBufferPointer { corpus.signatures.append(rows: $0) }
    let chunks = 0..<sketched.chunkCount
    switch retention {
    case .fingerprints:
      corpus.fingerprints!.populateSpareCapacity(
        values: chunks.reduce(0) { $0 + sketched.chunkFingerprints[$1].values.count })
      for chunk in chunks { corpus.fingerprints!.append(contentsOf: sketched.chunkFingerprints[chunk]) }
    case .digests:
      corpus.digests!.populateSpareCapacity(values: chunks.reduce(0) { $0 + sketched.chunkDigests[$1].values.count })
      for chunk in chunks { corpus.digests!.append(contentsOf: sketched.chunkDigests[chunk]) }
    case .signaturesOnly: break
    }
    let batch = sketched.batch
    for index in 0..<count {
      record(
        sketched.sketches[index], id: batch.ids[index], preview: batch.previews[index],
        location: batch.locations[index],
        label: labelsWanted ? batch.labels[index] : nil)
    }
  }
}

/// A batch sketched in parallel chunks and not yet appended to the corpus (see
/// `CorpusSketcher.append`).
/// - Invariant: after `prepare`, `signatures` holds `sketches.count` rows, and the
///   first `chunkCount` chunk stores hold the chunks' sets in document order.
struct SketchedBatch {
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
      chunkFingerprints.append(
        contentsOf: repeatElement(FingerprintStore(), count: chunkCount - chunkFingerprints.count))
    }
    if chunkDigests.count < chunkCount {
      chunkDigests.append(contentsOf: repeatElement(DigestStore(), count: chunkCount - chunkDigests.count))
    }
  }
}
