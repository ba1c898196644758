/// The documents of one `LineBlock`, parsed and sketched by one worker, before the
/// collector appends them to the corpus in input order.
///
/// - Invariant: every per-document array has `lines.count` entries; `signatures`
///   holds that many rows of k slots; errors are in line order.
struct SketchedBlock {
  /// Ids (empty for `--lines` input, whose ids the collector derives from lines).
  var ids: [String] = []
  /// `IDRegistry.hash` of each id, made here in parallel for the collector.
  var idHashes: [UInt64] = []
  var previews: [String] = []
  /// Labels (with `CorpusOptions.labelField`).
  var labels: [String] = []
  /// 1-based line of each document within the block.
  var lines: [Int] = []
  var sketches: [DocumentSketch] = []
  var signatures: [UInt32] = []
  var digests = DigestStore()
  var fingerprints = FingerprintStore<UInt64>()
  /// Invalid records, with their 1-based line within the block.
  var errors: [(line: Int, error: CorpusError)] = []
  /// Lines in the block (documents, blank and invalid lines).
  var lineCount = 0
  /// Per-stage thread time spent on this block.
  var times = StageNanoseconds()

  mutating func removeAll() {
    ids.removeAll(keepingCapacity: true)
    idHashes.removeAll(keepingCapacity: true)
    previews.removeAll(keepingCapacity: true)
    labels.removeAll(keepingCapacity: true)
    lines.removeAll(keepingCapacity: true)
    sketches.removeAll(keepingCapacity: true)
    signatures.removeAll(keepingCapacity: true)
    digests.removeAll()
    fingerprints.removeAll()
    errors.removeAll(keepingCapacity: true)
    lineCount = 0
    times = StageNanoseconds()
  }
}

/// Parses and sketches the lines of a `LineBlock` on one worker thread: splits
/// lines, reads JSON records with the shared `RecordParser` (or takes each line as a
/// document), and runs a `DocumentSketcher` on title and body without joining them.
struct BlockSketcher {
  private var sketcher: DocumentSketcher
  private var parser: RecordParser
  private let permutationCount: Int
  /// Whether previews are made (otherwise each is empty).
  private let keepsPreviews: Bool
  /// The longest line accepted as a document.
  private let maximumDocumentBytes: Int

  init(
    parameters: SketchParameters, retention: SetRetention, options: CorpusOptions, minHasher: MinHasher,
    stopShingles: StopShingles, keepsPreviews: Bool
  ) {
    sketcher = DocumentSketcher(
      parameters: parameters, retention: retention, minHasher: minHasher, stopShingles: stopShingles)
    parser = RecordParser(options: options)
    permutationCount = parameters.permutationCount
    self.keepsPreviews = keepsPreviews
    maximumDocumentBytes = options.maximumDocumentBytes
  }

  /// Parses and sketches every line of `block` into `result` (replacing it).
  /// Error messages carry block-relative line numbers.
  mutating func sketch(_ block: LineBlock, into result: inout SketchedBlock) {
    result.removeAll()
    let before = sketcher.times
    var parseTime: UInt64 = 0
    // One clock for the block: the parse lap of a document runs from the end of the
    // previous document's sketch.
    var clock = StageClock()
    block.withBytes { bytes in
      var start = 0
      var line = 0
      while start < bytes.count {
        if !block.isLines {
          // Empty lines are not records: pass over a run of them at once.
          let skipped = bytes.skippingEmptyLines(from: start)
          start = skipped.index
          line += skipped.lines
          if start == bytes.count { break }
        }
        let end = bytes.firstIndex(of: 0x0A, from: start) ?? bytes.count
        line += 1
        var lower = start
        var upper = end
        if upper > lower && bytes[upper - 1] == 0x0D { upper -= 1 }
        if line == 1 && block.startsInput && upper - lower >= 3 && bytes[lower] == 0xEF && bytes[lower + 1] == 0xBB
          && bytes[lower + 2] == 0xBF
        {
          lower += 3
        }
        let text = UnsafeBufferPointer(rebasing: bytes[lower..<upper])
        let lineLength = end - start  // as the line reader measures it: all bytes before "\n"
        start = end + 1
        if lineLength > maximumDocumentBytes {
          result.errors.append(
            (line, .oversizedRecord(path: block.path, line: line, bytes: lineLength, limit: maximumDocumentBytes)))
          continue
        }
        if block.isLines {
          do throws(CorpusError) {
            try RecordParser.checkTextLine(text, path: block.path, line: line)
          } catch {
            result.errors.append((line, error))
            continue
          }
          parseTime &+= clock.lap()
          append(title: nil, body: text, id: nil, label: "", line: line, clock: &clock, into: &result)
          continue
        }
        let record: ParsedRecord?
        do throws(CorpusError) {
          record = try parser.parse(text, path: block.path, line: line)
        } catch {
          result.errors.append((line, error))
          continue
        }
        parseTime &+= clock.lap()
        guard let record else { continue }
        parser.decoded.withUnsafeBufferPointer { decoded in
          append(
            title: record.title.map { UnsafeBufferPointer(rebasing: decoded[$0]) },
            body: UnsafeBufferPointer(rebasing: decoded[record.body]), id: record.id, label: record.label, line: line,
            clock: &clock, into: &result)
        }
      }
      result.lineCount = line
    }
    var times = sketcher.times
    times.parse = parseTime
    times.tokenize &-= before.tokenize
    times.fingerprint &-= before.fingerprint
    times.sketch &-= before.sketch
    result.times = times
  }

  private mutating func append(
    title: UnsafeBufferPointer<UInt8>?, body: UnsafeBufferPointer<UInt8>, id: String?, label: String, line: Int,
    clock: inout StageClock, into result: inout SketchedBlock
  ) {
    result.labels.append(label)
    let k = permutationCount
    let row = result.signatures.count
    result.signatures.append(contentsOf: repeatElement(UInt32.max, count: k))
    let sketch = result.signatures.withUnsafeMutableBufferPointer { signatures in
      sketcher.sketch(
        title: title, body: body, signature: UnsafeMutableBufferPointer(rebasing: signatures[row..<row + k]),
        clock: &clock)
    }
    result.sketches.append(sketch)
    if let id {
      result.ids.append(id)
      result.idHashes.append(IDRegistry.hash(id))
    }
    result.previews.append(keepsPreviews ? DocumentBatch.preview(title ?? body) : "")
    result.lines.append(line)
    switch sketcher.retention {
    case .digests: sketcher.digests.withUnsafeBufferPointer { result.digests.append($0) }
    case .fingerprints: sketcher.fingerprints.withUnsafeBufferPointer { result.fingerprints.append($0) }
    case .signaturesOnly: break
    }
  }
}

extension CorpusError {
  /// The error with its line number moved by `offset` (block-relative to absolute).
  func shiftingLines(by offset: Int) -> CorpusError {
    switch self {
    case .malformedLine(let path, let line, let reason): .malformedLine(path: path, line: line + offset, reason: reason)
    case .oversizedRecord(let path, let line, let bytes, let limit):
      .oversizedRecord(path: path, line: line + offset, bytes: bytes, limit: limit)
    default: self
    }
  }
}
