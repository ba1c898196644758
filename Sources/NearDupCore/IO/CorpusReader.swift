/// Streams documents from the user's inputs in batches, so that the raw text of the
/// whole corpus is never held in memory at once.
///
/// Reads JSON Lines (fields named by `CorpusOptions`), plain text with one document
/// per line, single text files, and directories of `.txt`/`.md` files, each possibly
/// gzip-compressed, from files or standard input. Checks that ids are unique across
/// all inputs.
///
/// A malformed record throws `CorpusError` naming `path:line` — or, with
/// `skipsInvalidRecords`, is skipped and counted in `skippedRecords`.
///
/// - Invariant: documents come out in input order, then line (or sorted file) order,
///   whatever the batch sizes.
/// - Complexity: O(bytes read) time; memory O(one batch + one line) plus the id table.
package final class CorpusReader {
  /// The inputs, read in this order.
  public let inputs: [CorpusInput]
  /// How records are read.
  public let options: CorpusOptions
  /// Whether each document's original record is kept in `records` (for writing a
  /// deduplicated copy).
  public let keepsRecords: Bool

  /// Bytes of (decompressed) input consumed so far.
  public private(set) var bytesRead = 0
  /// The number of records skipped as invalid.
  public private(set) var skippedRecordCount = 0
  /// Messages of the first skipped records (`path:line: problem`).
  public private(set) var skippedRecordMessages: [String] = []
  /// The number of documents produced so far.
  public private(set) var documentCount = 0

  /// How many skip messages are kept.
  static let keptSkipMessages = 10

  private var inputIndex = 0
  private var lineReader: LineReader?
  /// Sorted file listings of the directory inputs read so far, by input index.
  private var directoryListings: [Int: [String]] = [:]
  private var fileIndex = 0
  /// Inputs below this index have had their `skippedEntries` counted.
  private var accountedInputs = 0
  private var parser: RecordParser
  private var firstLocationOfID = IDRegistry()
  private let recordsAreLines: Bool

  /// Creates a reader over `inputs`.
  /// - Parameters:
  ///   - inputs: Resolved inputs, read in order.
  ///   - options: Field names and error policy.
  ///   - keepsRecords: Whether `read` fills `DocumentBatch.records` (see there).
  public init(inputs: [CorpusInput], options: CorpusOptions, keepsRecords: Bool = false) {
    self.inputs = inputs
    self.options = options
    self.keepsRecords = keepsRecords
    parser = RecordParser(options: options)
    recordsAreLines = inputs.allSatisfy { $0.kind == .lines }
  }

  /// The path of the input a location refers to; for directory documents, the path
  /// of the file.
  public func path(of location: DocumentLocation) -> String {
    let input = inputs[Int(location.input)]
    guard input.kind == .directory, let files = directoryListings[Int(location.input)] else {
      return input.label
    }
    return joinPath(input.label, files[Int(location.file)])
  }

  /// `path:line` of a location, or the path for a whole-file document.
  public func describe(_ location: DocumentLocation) -> String {
    CorpusError.location(path(of: location), Int(location.line))
  }

  /// Replaces `batch`'s contents with the next documents: at most `maximumDocuments`
  /// of them, stopping early once their text exceeds `maximumBytes`, and, with
  /// `withinInput`, at the end of the current input.
  /// - Returns: false when the corpus (or, with `withinInput`, the input) is
  ///   exhausted and the batch is empty.
  /// - Throws: `CorpusError` for unreadable inputs and (without skipping) invalid records.
  package func read(
    into batch: inout DocumentBatch, maximumDocuments: Int, maximumBytes: Int = 1 << 24, withinInput: Bool = false
  ) throws(CorpusError) -> Bool {
    let firstInput = inputIndex
    batch.removeAll()
    if keepsRecords { batch.removeAllRecords() }
    let startBytes = bytesRead
    defer { batch.inputByteCount = bytesRead - startBytes }
    while batch.count < maximumDocuments && batch.content.count < maximumBytes {
      guard inputIndex < inputs.count, !withinInput || inputIndex == firstInput else { break }
      let input = inputs[inputIndex]
      accountForSkippedEntries()
      let produced: Bool
      switch input.kind {
      case .jsonLines, .lines: produced = try readLineRecord(input, into: &batch)
      case .textFile: produced = try readTextFile(input, into: &batch)
      case .directory: produced = try readDirectoryFile(input, into: &batch)
      }
      if !produced { advanceInput() }
    }
    documentCount += batch.count
    return batch.count > 0
  }

  private func advanceInput() {
    inputIndex += 1
    lineReader = nil
    fileIndex = 0
  }

  // MARK: Line-oriented inputs

  /// Reads lines until one yields a document; false at the end of the input.
  private func readLineRecord(_ input: CorpusInput, into batch: inout DocumentBatch) throws(CorpusError) -> Bool {
    if lineReader == nil { lineReader = try openLineReader(input) }
    let reader = lineReader!
    while true {
      let before = reader.bytesRead
      if input.kind == .jsonLines { try reader.skipEmptyLines() }
      let next = try reader.nextLine()
      bytesRead += reader.bytesRead - before
      // Lines over the length limit it read past (only when skipping invalid records).
      if !reader.skippedLines.isEmpty {
        for (line, size) in reader.skippedLines { try skipOversizedLine(path: reader.path, line: line, bytes: size) }
        reader.skippedLines.removeAll()
      }
      guard let line = next else { return false }
      let location = DocumentLocation(input: Int32(inputIndex), line: Int32(truncatingIfNeeded: reader.lineNumber))
      do {
        let added: Bool
        if input.kind == .lines {
          added = try appendLineDocument(line, location: location, into: &batch)
        } else {
          added = try appendJSONRecord(line, location: location, into: &batch)
        }
        if added { return true }
      } catch {
        try skipOrThrow(error)
      }
    }
  }

  private func appendLineDocument(
    _ line: UnsafeBufferPointer<UInt8>, location: DocumentLocation, into batch: inout DocumentBatch
  ) throws(CorpusError) -> Bool {
    let path = inputs[Int(location.input)].label
    try RecordParser.checkTextLine(line, path: path, line: Int(location.line))
    let id = RecordParser.lineID(Int(location.line), path: path, prefixed: inputs.count > 1)
    try register(id: id, at: location)
    batch.append(id: id, title: nil, body: line, location: location)
    if keepsRecords {
      if recordsAreLines {
        batch.appendRecord(line)
      } else {
        batch.appendSynthesizedRecord(id: id, body: line)
      }
    }
    return true
  }

  /// Parses one JSON Lines record; blank lines are not records.
  private func appendJSONRecord(
    _ line: UnsafeBufferPointer<UInt8>, location: DocumentLocation, into batch: inout DocumentBatch
  ) throws(CorpusError) -> Bool {
    let path = inputs[Int(location.input)].label
    guard let record = try parser.parse(line, path: path, line: Int(location.line)) else { return false }
    try register(id: record.id, at: location)
    parser.decoded.withUnsafeBufferPointer { decoded in
      batch.append(
        id: record.id, title: record.title.map { UnsafeBufferPointer(rebasing: decoded[$0]) },
        body: UnsafeBufferPointer(rebasing: decoded[record.body]), location: location, label: record.label)
    }
    if keepsRecords { batch.appendRecord(line) }
    return true
  }

  // MARK: Whole-file inputs

  private func readTextFile(_ input: CorpusInput, into batch: inout DocumentBatch) throws(CorpusError) -> Bool {
    // A text-file input yields exactly one document, then the reader moves on.
    if fileIndex > 0 { return false }
    fileIndex = 1
    let location = DocumentLocation(input: Int32(inputIndex), line: 0)
    do {
      try appendFileDocument(path: input.path, label: input.label, id: input.label, location: location, into: &batch)
    } catch {
      try skipOrThrow(error)
    }
    return true
  }

  private func readDirectoryFile(_ input: CorpusInput, into batch: inout DocumentBatch) throws(CorpusError) -> Bool {
    if directoryListings[inputIndex] == nil {
      let listing = try input.directoryDocuments(skippingUnreadable: options.skipsInvalidRecords)
      listing.skipped.forEach(countSkipped)
      directoryListings[inputIndex] = listing.documents
    }
    let files = directoryListings[inputIndex]!
    guard fileIndex < files.count else { return false }
    let relative = files[fileIndex]
    let location = DocumentLocation(input: Int32(inputIndex), line: 0, file: Int32(fileIndex))
    fileIndex += 1
    do {
      try appendFileDocument(
        path: joinPath(input.path, relative), label: joinPath(input.label, relative), id: relative, location: location,
        into: &batch)
    } catch {
      try skipOrThrow(error)
    }
    return true
  }

  private func appendFileDocument(
    path: String, label: String, id: String, location: DocumentLocation, into batch: inout DocumentBatch
  ) throws(CorpusError) {
    let source = try openTextSource(path: path, label: label)
    var bytes: [UInt8] = []
    let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 16)
    defer { chunk.deallocate() }
    let limit = options.maximumDocumentBytes
    while true {
      let count = try source.read(into: chunk)
      if count == 0 { break }
      guard bytes.count + count <= limit else {
        // Measure the rest without keeping it.
        var size = bytes.count + count
        while true {
          let more = try source.read(into: chunk)
          if more == 0 { break }
          size += more
        }
        bytesRead += size
        throw .oversizedRecord(path: label, line: 0, bytes: size, limit: limit)
      }
      bytes.append(contentsOf: chunk[0..<count])
    }
    if bytes.contains(0) { throw .binaryFile(path: label) }
    bytesRead += bytes.count
    try register(id: id, at: location)
    bytes.withUnsafeBufferPointer { body in
      batch.append(id: id, title: nil, body: body, location: location)
      if keepsRecords { batch.appendSynthesizedRecord(id: id, body: body) }
    }
  }

  // MARK: Blocks of lines, for parallel parsing

  /// The index of the input the next documents come from (`inputs.count` at the end).
  var currentInputIndex: Int { inputIndex }

  /// The lines of the current line-oriented input read so far by `read`, which
  /// `readBlock` continues after.
  var currentLineNumber: Int { lineReader?.lineNumber ?? 0 }

  /// The kind of the input the next documents come from; nil when all are read.
  public var currentInputKind: CorpusInput.Kind? { inputIndex < inputs.count ? inputs[inputIndex].kind : nil }

  /// Replaces `block` with about `targetSize` bytes of complete lines of the current
  /// input, which must be line-oriented (JSON Lines or `--lines`). Moves on to the
  /// next input when this one is exhausted.
  /// - Returns: false when the current input had no more lines (the reader is then
  ///   at the next input).
  package func readBlock(into block: inout LineBlock, targetSize: Int = 2 << 20) throws(CorpusError) -> Bool {
    let input = inputs[inputIndex]
    precondition(input.kind == .jsonLines || input.kind == .lines, "\(input.label) is not read line by line")
    accountForSkippedEntries()
    let startsInput = lineReader == nil
    if startsInput { lineReader = try openLineReader(input) }
    let reader = lineReader!
    let before = reader.bytesRead
    let count = try reader.nextBlock(into: &block.storage, targetSize: targetSize)
    bytesRead += reader.bytesRead - before
    guard let count else {
      advanceInput()
      return false
    }
    block.byteCount = count
    block.input = inputIndex
    block.skippedLineSizes = reader.skippedLineSizesBeforeBlock
    block.startsInput = startsInput && block.skippedLineSizes.isEmpty
    block.path = input.label
    block.isLines = input.kind == .lines
    return true
  }

  /// A line reader over `input`, with the options' line-length limit.
  private func openLineReader(_ input: CorpusInput) throws(CorpusError) -> LineReader {
    LineReader(
      source: try openTextSource(path: input.path, label: input.label), maximumLineLength: options.maximumDocumentBytes,
      skipsOversizedLines: options.skipsInvalidRecords)
  }

  /// Whether line ids get their input's name as prefix (several inputs).
  var prefixesLineIDs: Bool { inputs.count > 1 }

  /// Accounts for an invalid record found while parsing a block: counted and kept as
  /// a message when skipping, else thrown.
  func skipInvalidRecord(_ error: CorpusError) throws(CorpusError) {
    try skipOrThrow(error)
  }

  /// Accounts for line `line` of `path`, `bytes` long and over the length limit,
  /// which the line reader read past (it does so only when invalid records are
  /// skipped).
  func skipOversizedLine(path: String, line: Int, bytes: Int) throws(CorpusError) {
    try skipOrThrow(.oversizedRecord(path: path, line: line, bytes: bytes, limit: options.maximumDocumentBytes))
  }

  // MARK: Shared checks

  /// Records `id` as used at `location`, or throws if an earlier document has it.
  /// - Parameter hash: `IDRegistry.hash(id)` when known (nil: hashed here).
  /// - Complexity: one hash of `id`, or none with `hash`.
  func register(id: String, hash: UInt64? = nil, at location: DocumentLocation) throws(CorpusError) {
    guard let first = firstLocationOfID.register(id, hash: hash ?? IDRegistry.hash(id), at: location) else { return }
    throw .duplicateID(
      id: id, path: path(of: location), line: Int(location.line), firstPath: path(of: first), firstLine: Int(first.line)
    )
  }

  /// Hints that the id of `IDRegistry.hash` `hash` is registered soon.
  func prefetchID(hash: UInt64) {
    firstLocationOfID.prefetch(hash: hash)
  }

  /// Makes room for `count` more ids, so that registering them never rehashes.
  func reserveIDs(_ count: Int) {
    firstLocationOfID.reserveCapacity(count)
  }

  /// Counts the current input's `skippedEntries` as skipped, once.
  private func accountForSkippedEntries() {
    guard accountedInputs <= inputIndex else { return }
    accountedInputs = inputIndex + 1
    inputs[inputIndex].skippedEntries.forEach(countSkipped)
  }

  /// Counts `error` as a skipped record, keeping its message among the first ones.
  private func countSkipped(_ error: CorpusError) {
    skippedRecordCount += 1
    if skippedRecordMessages.count < Self.keptSkipMessages { skippedRecordMessages.append(error.description) }
  }

  /// Skips an invalid record when asked to, else rethrows. Failures of the input
  /// itself (unreadable, corrupt compression) are never skipped inside a file.
  private func skipOrThrow(_ error: CorpusError) throws(CorpusError) {
    switch error {
    case .malformedLine, .duplicateID, .binaryFile, .oversizedRecord:
      guard options.skipsInvalidRecords else { throw error }
      countSkipped(error)
    default:
      throw error
    }
  }
}

/// `directory/relative`, without doubling a trailing slash.
func joinPath(_ directory: String, _ relative: String) -> String {
  directory.hasSuffix("/") ? directory + relative : directory + "/" + relative
}
