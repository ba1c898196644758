import Foundation
@testable import NearDupCore

/// Fuzz target `jsonl`: arbitrary bytes as a JSON Lines corpus file.
///
/// Checks, for every input:
/// - `JSONLineScanner` on each line, with the AVX-512 string copy (where the
///   processor has it) and without: both accept and reject the same lines, with the
///   same message and column, and decode the same values.
/// - Foundation's `JSONSerialization` as a second opinion (`compareWithFoundation`):
///   a line the scanner accepts, Foundation reads with the same strings, and
///   Foundation's encoding of a line it reads, the scanner accepts.
/// - `CorpusReader` over the bytes written to a file, without and with
///   `skipsInvalidRecords` (and a label field), read the two ways the CLI reads:
///   - in batches (`read`, here with `keepsRecords`): the
///     documents, their text and records, the error or the skipped records are
///     exactly those of a plain model — each line of `referenceLines` through
///     `RecordParser`, ids checked for duplicates in a set;
///   - in blocks of lines (`readBlock`, with small blocks so that many lines
///     straddle block ends) parsed by `BlockSketcher`: the same documents at the
///     same lines, and the same invalid records.
/// - For one input in eight (chosen by hash, so that a crash reproduces), the whole
///   block pipeline, `CorpusSketcher.sketch(reader:)`, reads the same documents,
///   skips the same records and throws the same error as the batches. (Its 2 MiB
///   blocks make it too slow to run on every input.)
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSONLines(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let bytes = Array(UnsafeBufferPointer(start: data, count: size))
  let lines = referenceLines(bytes)
  for (_, line) in lines { JSONLinesFuzzer.checkScanner(line) }
  let path = ScratchDirectory.path + "/" + JSONLinesFuzzer.label
  Fuzz.writeFile(path, bytes)
  var skipping = CorpusOptions()
  skipping.skipsInvalidRecords = true
  skipping.labelField = "label"
  // Gzip data and NUL bytes are the gzip target's; only their errors are checked here.
  let isText = !bytes.starts(with: [0x1F, 0x8B]) && !bytes.prefix(1 << 16).contains(0)
  let runsPipeline = bytes.withUnsafeBytes { XXH3.hash($0) } % 8 == 0
  for options in [CorpusOptions(), skipping] {
    let batches = JSONLinesFuzzer.readBatches(path: path, options: options)
    if isText {
      let model = JSONLinesFuzzer.Model(lines: lines, options: options)
      JSONLinesFuzzer.expectEqual(batches, model.batches, "batches", options)
      JSONLinesFuzzer.expectEqual(
        JSONLinesFuzzer.readBlocks(path: path, options: options), model.blocks, "blocks", options)
    } else if !bytes.starts(with: [0x1F, 0x8B]) {
      Fuzz.expect(batches.error == .binaryFile(path: JSONLinesFuzzer.label), "NUL bytes read as \(batches)")
    }
    if runsPipeline {
      var batches = batches
      batches.documents = batches.documents.map { $0.dropping(label: true) }
      batches.records = []
      JSONLinesFuzzer.expectEqual(
        JSONLinesFuzzer.readPipeline(path: path, options: options), batches, "pipeline", options)
    }
  }
  return 0
}

enum JSONLinesFuzzer {
  static let keys = ["id", "text", "title", "label"]
  /// Small sketches: this target is about reading, not hashing.
  static let parameters = try! SketchParameters(permutationCount: 4)

  /// The scanner's answer for one line: the error, or each wanted field's value
  /// with the bytes it decoded to.
  enum ScanOutcome: Equatable {
    case failure(JSONSyntaxError)
    case values([FieldValue])
  }

  enum FieldValue: Equatable {
    case missing, null, other(String)
    case string([UInt8])
    case number([UInt8])
  }

  static func scan(_ line: [UInt8], copiesWithVectors: Bool) -> ScanOutcome {
    var scanner = JSONLineScanner(keys: keys, copiesWithVectors: copiesWithVectors)
    do {
      try line.withUnsafeBufferPointer { (line) throws(JSONSyntaxError) in try scanner.scan(line) }
    } catch {
      return .failure(error)
    }
    return .values(
      scanner.values.map { value in
        switch value {
        case .missing: .missing
        case .null: .null
        case .other(let kind): .other(kind)
        case .string(let range): .string(Array(scanner.decoded[range]))
        case .number(let range): .number(Array(scanner.decoded[range]))
        }
      })
  }

  static func checkScanner(_ line: [UInt8]) {
    let scalar = scan(line, copiesWithVectors: false)
    if JSONLineScanner.vectorCopyAvailable {
      let vector = scan(line, copiesWithVectors: true)
      Fuzz.expect(scalar == vector, "vector and scalar scans differ: \(vector) vs \(scalar)")
    }
    compareWithFoundation(line, scalar)
  }

  /// Foundation as a second opinion on lines it can judge: valid UTF-8 (the scanner
  /// passes other bytes through), no U+FEFF (only the first line's byte-order mark
  /// is dropped; Foundation drops some inside strings too), no `\u` escape of a
  /// surrogate (the scanner turns a lone one into U+FFFD; Foundation may refuse it),
  /// no number beyond `Double` (Foundation refuses those). A line the scanner accepts, Foundation reads
  /// with the same strings. Foundation is lenient (it reads trailing commas), so a
  /// line it reads is checked through its own encoding of what it read: the scanner
  /// accepts that, with the same strings.
  static func compareWithFoundation(_ line: [UInt8], _ outcome: ScanOutcome) {
    guard String(validating: line, as: UTF8.self) != nil, !containsByteOrderMark(line), !hasSurrogateEscape(line),
      let value = foundationJSON(line)
    else { return }
    let object = value as? [String: Any]
    if case .values(let values) = outcome {
      guard let object else {
        Fuzz.fail("the scanner reads \(String(decoding: line, as: UTF8.self)), Foundation refuses it")
      }
      compareStrings(values, object, line)
    }
    guard let object, let data = try? JSONSerialization.data(withJSONObject: object) else { return }
    let encoded = Array(data)
    switch scan(encoded, copiesWithVectors: false) {
    case .failure(let error):
      Fuzz.expect(
        error.message.hasPrefix("nesting deeper"),
        "the scanner refuses Foundation's \(String(decoding: encoded, as: UTF8.self)): \(error)")
    case .values(let values):
      compareStrings(values, object, encoded)
    }
  }

  /// Checks that each wanted field is a string for the scanner exactly when it is
  /// one for Foundation, with the same UTF-8.
  static func compareStrings(_ values: [FieldValue], _ object: [String: Any], _ line: [UInt8]) {
    for (key, value) in zip(keys, values) {
      let foundation = (object[key] as? String).map { Array($0.utf8) }
      var decoded: [UInt8]?
      if case .string(let bytes) = value { decoded = bytes }
      Fuzz.expect(
        decoded == foundation,
        "field \"\(key)\" of \(String(decoding: line, as: UTF8.self)): the scanner reads \(value), Foundation \(String(describing: object[key]))"
      )
    }
  }

  /// Whether the line has a `\u` escape in D800...DFFF (after an odd run of backslashes).
  static func hasSurrogateEscape(_ line: [UInt8]) -> Bool {
    var index = 0
    while index < line.count {
      if line[index] == UInt8(ascii: "\\") {
        if index + 2 < line.count, line[index + 1] == UInt8(ascii: "u"), line[index + 2] | 0x20 == UInt8(ascii: "d"),
          index + 3 < line.count,
          (UInt8(ascii: "8")...UInt8(ascii: "9")).contains(line[index + 3])
            || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(line[index + 3] | 0x20)
        {
          return true
        }
        index += 2
      } else {
        index += 1
      }
    }
    return false
  }

  /// The input's name in messages.
  static let label = "input.jsonl"

  /// One document read: id, line, and where the route gives them, text and label.
  struct Document: Equatable, CustomStringConvertible {
    var id: String
    var line: Int
    var text: [UInt8]?
    var label: String?

    /// Without text (blocks do not keep it) or without text and label.
    func dropping(label dropsLabel: Bool) -> Document {
      Document(id: id, line: line, text: nil, label: dropsLabel ? nil : label)
    }

    var description: String {
      "\(id.debugDescription)@\(line)" + (text.map { " " + String(decoding: $0, as: UTF8.self).debugDescription } ?? "")
        + (label.map { " [\($0)]" } ?? "")
    }
  }

  /// What one route read: the documents, the records kept, the invalid records
  /// skipped, and the error it stopped with.
  struct ReadOutcome: Equatable, CustomStringConvertible {
    var documents: [Document] = []
    var records: [[UInt8]] = []
    var skipped: [String] = []
    var skippedCount = 0
    var error: CorpusError?

    var description: String {
      "\(documents.count) documents \(documents.prefix(4)), skipped \(skippedCount) \(skipped.prefix(3)), error \(String(describing: error))"
    }
  }

  static func expectEqual(_ found: ReadOutcome, _ expected: ReadOutcome, _ route: String, _ options: CorpusOptions) {
    guard found != expected else { return }
    var difference = ""
    if let index = found.documents.indices.first(where: {
      $0 < expected.documents.count && found.documents[$0] != expected.documents[$0]
    }) {
      difference = "\n  first different document: \(found.documents[index])\n  expected: \(expected.documents[index])"
    }
    Fuzz.fail(
      "\(route) (skipping: \(options.skipsInvalidRecords)) read\n  \(found)\n  expected \(expected)\(difference)")
  }

  /// The plain model of reading: each line through `RecordParser`, ids checked in a set.
  struct Model {
    /// What batch reading should give.
    var batches = ReadOutcome()
    /// What block reading should give: every parsed record, duplicates too (the
    /// collector checks ids), and every invalid one.
    var blocks = ReadOutcome()

    init(lines: [(number: Int, line: [UInt8])], options: CorpusOptions) {
      var parser = RecordParser(options: options)
      var firstLines: [String: Int] = [:]
      func skip(_ error: CorpusError) -> Bool {
        guard options.skipsInvalidRecords else {
          batches.error = error
          return false
        }
        batches.skippedCount += 1
        if batches.skipped.count < CorpusReader.keptSkipMessages { batches.skipped.append(error.description) }
        return true
      }
      var batchesEnded = false
      for (number, line) in lines {
        let parsed: ParsedRecord?
        do {
          parsed = try line.withUnsafeBufferPointer { (line) throws(CorpusError) in
            try parser.parse(line, path: label, line: number)
          }
        } catch {
          blocks.skippedCount += 1
          blocks.skipped.append(error.description)
          if !batchesEnded && !skip(error) { batchesEnded = true }
          continue
        }
        guard let record = parsed else { continue }
        let decoded = parser.decoded
        var text: [UInt8] = record.title.map { Array(decoded[$0]) + [0x0A] } ?? []
        text += decoded[record.body]
        let document = Document(id: record.id, line: number, text: text, label: record.label)
        blocks.documents.append(document.dropping(label: false))
        guard !batchesEnded else { continue }
        if let first = firstLines[record.id] {
          let error = CorpusError.duplicateID(
            id: record.id, path: label, line: number, firstPath: label, firstLine: first)
          if !skip(error) { batchesEnded = true }
          continue
        }
        firstLines[record.id] = number
        batches.documents.append(document)
        batches.records.append(line)
      }
      if batches.error == nil && batches.documents.isEmpty { batches.error = .noDocuments(paths: [label]) }
      // A route that throws returns no documents.
      if batches.error != nil {
        batches.documents = []
        batches.records = []
      }
    }
  }

  static func readBatches(path: String, options: CorpusOptions) -> ReadOutcome {
    var outcome = ReadOutcome()
    let reader = CorpusReader(
      inputs: [CorpusInput(path: path, kind: .jsonLines, label: label)], options: options, keepsRecords: true)
    var batch = DocumentBatch()
    do {
      while try reader.read(into: &batch, maximumDocuments: 3) {
        for index in 0..<batch.count {
          outcome.documents.append(
            Document(
              id: batch.ids[index], line: Int(batch.locations[index].line),
              text: Array(batch.content[batch.contentRange(of: index)]), label: batch.labels[index]))
          outcome.records.append(Array(batch.records[batch.recordRange(of: index)]))
        }
      }
      if reader.documentCount == 0 { outcome.error = .noDocuments(paths: [label]) }
    } catch {
      outcome.documents = []
      outcome.records = []
      outcome.error = error
    }
    outcome.skipped = reader.skippedRecordMessages
    outcome.skippedCount = reader.skippedRecordCount
    return outcome
  }

  /// Reads in blocks of a few bytes (whole lines, at least one), parsed by `BlockSketcher`.
  static func readBlocks(path: String, options: CorpusOptions) -> ReadOutcome {
    var outcome = ReadOutcome()
    let reader = CorpusReader(inputs: [CorpusInput(path: path, kind: .jsonLines, label: label)], options: options)
    var sketcher = BlockSketcher(
      parameters: parameters, retention: .signaturesOnly, options: options, minHasher: MinHasher(parameters),
      stopShingles: .empty,
      keepsPreviews: false)
    var block = LineBlock()
    var result = SketchedBlock()
    var lineBase = 0
    let targets = [1, 50, 7, 400]
    var blocks = 0
    do {
      while try reader.readBlock(into: &block, targetSize: targets[blocks % targets.count]) {
        blocks += 1
        sketcher.sketch(block, into: &result)
        for (position, line) in result.lines.enumerated() {
          outcome.documents.append(
            Document(id: result.ids[position], line: lineBase + line, label: result.labels[position]))
        }
        for (_, error) in result.errors {
          outcome.skippedCount += 1
          outcome.skipped.append(error.shiftingLines(by: lineBase).description)
        }
        lineBase += result.lineCount
      }
    } catch {
      outcome.error = error
    }
    return outcome
  }

  /// Reads through `CorpusSketcher`'s block pipeline.
  static func readPipeline(path: String, options: CorpusOptions) -> ReadOutcome {
    var outcome = ReadOutcome()
    let reader = CorpusReader(inputs: [CorpusInput(path: path, kind: .jsonLines, label: label)], options: options)
    do {
      let corpus = try CorpusSketcher(parameters: parameters, threads: 1, retention: .signaturesOnly).sketch(
        reader: reader)
      outcome.documents = corpus.documents.ids.indices.map { index in
        Document(id: corpus.documents.ids[index], line: Int(corpus.documents.locations[index].line))
      }
    } catch {
      outcome.error = error
    }
    outcome.skipped = reader.skippedRecordMessages
    outcome.skippedCount = reader.skippedRecordCount
    return outcome
  }
}
