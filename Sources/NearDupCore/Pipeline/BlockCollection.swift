// The block route of `CorpusSketcher`: a line-oriented input streams through a
// `BlockPipeline`, and the calling thread collects each sketched block in input
// order, registering ids and accounting for invalid records.

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif
import Foundation

extension CorpusSketcher {
  // MARK: Blocks of lines

  /// Sketches the current (line-oriented) input block by block: a `BlockPipeline`
  /// keeps `threads − 1` worker threads and this thread, which also collects in
  /// input order, busy at once. With one thread this thread reads, sketches and
  /// collects each block in turn.
  ///
  /// With `sample`, the blocks are sketched keeping every shingle (no stop
  /// shingles, fingerprint sets kept) and their documents go to `sample` instead of
  /// the corpus; once it is full, no further block is read, the blocks already read
  /// are collected into it too, and the input is left where they end, for a later
  /// call to go on from.
  func sketchLines(_ reader: CorpusReader, sample: BlockSample? = nil, progress: ((PipelineProgress) -> Void)?)
    throws(CorpusError)
  {
    let input = reader.currentInputIndex
    // Lines the reader returned one by one (to a batch sample) come first, then those
    // of the blocks collected from this input by an earlier call.
    let readerLines = reader.currentLineNumber
    if collectedLines.input != input { collectedLines = (input, readerLines) }
    var lineBase = collectedLines.lines
    defer { collectedLines.lines = lineBase }
    // The reader's errors count the lines it returned one by one only (blocks do not
    // count lines): add those of the blocks collected, all before the failing one.
    func placed(_ error: CorpusError) -> CorpusError { error.shiftingLines(by: lineBase - readerLines) }
    var planned = reservedInput == input
    let blockSize = blockSize(for: reader.inputs[input])
    func collectBlock(_ result: SketchedBlock, _ block: LineBlock) throws(CorpusError) {
      // Oversized lines the reader read past (when skipping) come before the block's.
      for size in block.skippedLineSizes {
        lineBase += 1
        try reader.skipOversizedLine(path: block.path, line: lineBase, bytes: size)
      }
      if !planned && !result.lines.isEmpty {
        planned = true
        reservedInput = input
        // Only one of the two stores is filled, as the workers keep sets.
        let setValues = result.fingerprints.values.count + result.digests.values.count
        reserveCapacity(
          forInput: reader.inputs[input], reader: reader, documents: result.lines.count, setValues: setValues,
          bytes: block.byteCount)
        sample?.reserve(blockDocuments: result.lines.count, blockValues: setValues)
      }
      try collect(result, block: block, reader: reader, lineBase: lineBase, sample: sample)
      lineBase += result.lineCount
      corpus.statistics.threadTimes.add(result.times)
      reportProgress(progress, reader)
    }
    let pipeline = BlockPipeline(
      reader: reader, blockSize: blockSize,
      workers: (0..<threads).map { _ in
        BlockSketcher(
          parameters: parameters, retention: sample == nil ? retention : .fingerprints, options: reader.options,
          minHasher: minHasher, stopShingles: sample == nil ? stopShingles : .empty, keepsPreviews: keepsPreviews)
      })
    pipeline.start()
    defer { pipeline.finish() }
    var readingStopped = false
    while true {
      let next: (SketchedBlock, LineBlock)?
      do throws(CorpusError) { next = try pipeline.nextResult() } catch { throw placed(error) }
      guard let (result, block) = next else { break }
      try collectBlock(result, block)
      pipeline.release()
      if let sample, sample.isFull, !readingStopped {
        readingStopped = true
        pipeline.stopReading()
      }
    }
    corpus.statistics.threadTimes.read += pipeline.readSeconds
  }

  /// The block size for `input`: the largest on one thread, from standard input, or
  /// for files of more than `maximumBlockSize · blocksPerWorker` bytes per thread;
  /// smaller for smaller files, so that their last blocks balance across the
  /// workers (a 23 MB file on two threads gets blocks of about 700 KiB).
  func blockSize(for input: CorpusInput) -> Int {
    guard threads > 1, let size = Self.fileSize(of: input) else { return Self.maximumBlockSize }
    return min(Self.maximumBlockSize, max(Self.minimumBlockSize, size / (threads * Self.blocksPerWorker)))
  }

  /// The size in bytes of the file `input` reads; nil for standard input or a path
  /// that cannot be inspected.
  static func fileSize(of input: CorpusInput) -> Int? {
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
  func reserveCapacity(
    forInput input: CorpusInput, reader: CorpusReader, documents sampleDocuments: Int, setValues: Int, bytes: Int
  ) -> Bool {
    guard let documents = Self.estimatedDocuments(in: input, documents: sampleDocuments, bytes: bytes) else {
      return false
    }
    corpus.reserveCapacity(
      documents: documents, setValues: Int(Double(setValues) * Double(documents) / Double(sampleDocuments)))
    reader.reserveIDs(documents)
    return true
  }

  /// The documents of a whole uncompressed input file, a quarter more than
  /// `documents` found in its first `bytes` would make at that rate; nil for
  /// standard input, gzip data, or a file less than four times `bytes`. The margin
  /// is wide because a first block can be unrepresentative (a margin of a twentieth
  /// can fall short, and the signature matrix is then copied into one twice its
  /// size), while the corpus arrays
  /// it sizes take only address space until they are written (the id table, zeroed
  /// when sized, is at most one doubling larger).
  static func estimatedDocuments(in input: CorpusInput, documents: Int, bytes: Int) -> Int? {
    guard bytes > 0, documents > 0, let size = fileSize(of: input), size > 4 * bytes else { return nil }
    var head = [UInt8](repeating: 0, count: 2)
    if let handle = FileHandle(forReadingAtPath: input.path) {
      head = Array(handle.readData(ofLength: 2))
      try? handle.close()
    }
    guard head != [0x1F, 0x8B] else { return nil }  // gzip: the file size says little
    return Int(Double(documents) * Double(size) / Double(bytes) * 1.25)
  }

  /// Appends a sketched block's documents in line order — to `sample` when given,
  /// else to the corpus — registering ids and accounting for invalid records.
  func collect(_ result: SketchedBlock, block: LineBlock, reader: CorpusReader, lineBase: Int, sample: BlockSample?)
    throws(CorpusError)
  {
    let k = parameters.permutationCount
    if sample == nil {
      corpus.signatures.populateSpareCapacity(rows: result.lines.count)
      corpus.digests?.populateSpareCapacity(values: result.digests.values.count)
      corpus.fingerprints?.populateSpareCapacity(values: result.fingerprints.values.count)
    }
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
      let id =
        block.isLines
        ? RecordParser.lineID(line, path: block.path, prefixed: reader.prefixesLineIDs) : result.ids[position]
      let location = DocumentLocation(input: Int32(block.input), line: Int32(truncatingIfNeeded: line))
      do throws(CorpusError) {
        try reader.register(id: id, hash: block.isLines ? nil : result.idHashes[position], at: location)
      } catch {
        try reader.skipInvalidRecord(error)
        continue
      }
      if let sample {
        sample.append(result, at: position, id: id, location: location)
        continue
      }
      result.signatures.withUnsafeBufferPointer { rows in
        corpus.signatures.append(rows: UnsafeBufferPointer(rebasing: rows[position * k..<(position + 1) * k]))
      }
      switch retention {
      case .digests: result.digests.withSets { sets in corpus.digests!.append(sets[position]) }
      case .fingerprints: result.fingerprints.withSets { sets in corpus.fingerprints!.append(sets[position]) }
      case .signaturesOnly: break
      }
      record(
        result.sketches[position], id: id, preview: result.previews[position], location: location,
        label: labelsWanted ? result.labels[position] : nil)
    }
    try flushErrors(before: Int.max)
  }
}
