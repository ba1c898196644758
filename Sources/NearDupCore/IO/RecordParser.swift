/// One JSON Lines record, decoded: its id, and where its title and body lie in the
/// parser's `decoded` buffer.
struct ParsedRecord {
  var id: String
  var title: Range<Int>?
  var body: Range<Int>
  /// The value of the label field (with `CorpusOptions.labelField`), "" when absent.
  var label: String
}

/// Turns one line of a JSON Lines corpus into a `ParsedRecord`, with the errors a
/// user sees (`path:line: problem`). Shared by the batch reader and the parallel
/// block sketcher, so both accept and reject exactly the same lines.
struct RecordParser {
  let options: CorpusOptions
  private var scanner: JSONLineScanner

  init(options: CorpusOptions) {
    self.options = options
    scanner = JSONLineScanner(
      keys: [options.idField, options.textField, options.titleField] + (options.labelField.map { [$0] } ?? []))
  }

  /// The decoded strings of the last record.
  var decoded: [UInt8] { scanner.decoded }

  /// Parses `line`; nil for a blank line (not a record).
  /// - Throws: `CorpusError.malformedLine` naming `path:line` and the problem.
  mutating func parse(_ line: UnsafeBufferPointer<UInt8>, path: String, line number: Int) throws(CorpusError)
    -> ParsedRecord?
  {
    if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return nil }
    func malformed(_ reason: String) -> CorpusError {
      .malformedLine(path: path, line: number, reason: reason)
    }
    do {
      try scanner.scan(line)
    } catch {
      throw malformed("invalid JSON: \(error.message) (column \(error.column))")
    }
    let values = scanner.values
    let id: String
    switch values[0] {
    case .string(let range), .number(let range):
      id = scanner.decoded.withUnsafeBufferPointer { String(decoding: $0[range], as: UTF8.self) }
      if id.isEmpty { throw malformed("field \"\(options.idField)\" is empty") }
    case .missing:
      throw malformed("record has no \"\(options.idField)\" field (name the id field with --id-field)")
    case .null:
      throw malformed("field \"\(options.idField)\" is null; ids must be strings or numbers")
    case .other(let kind):
      throw malformed("field \"\(options.idField)\" is \(kind); ids must be strings or numbers")
    }
    let body: Range<Int>
    switch values[1] {
    case .string(let range): body = range
    case .missing:
      throw malformed("record has no \"\(options.textField)\" field (name the text field with --text-field)")
    case .null: throw malformed("field \"\(options.textField)\" is null; expected a string")
    case .number: throw malformed("field \"\(options.textField)\" is a number; expected a string")
    case .other(let kind): throw malformed("field \"\(options.textField)\" is \(kind); expected a string")
    }
    var title: Range<Int>?
    switch values[2] {
    case .string(let range): title = range.isEmpty ? nil : range
    case .missing, .null: title = nil
    case .number: throw malformed("field \"\(options.titleField)\" is a number; expected a string")
    case .other(let kind): throw malformed("field \"\(options.titleField)\" is \(kind); expected a string")
    }
    var label = ""
    if values.count > 3 {
      switch values[3] {
      case .string(let range), .number(let range):
        label = scanner.decoded.withUnsafeBufferPointer { String(decoding: $0[range], as: UTF8.self) }
      default: label = ""
      }
    }
    return ParsedRecord(id: id, title: title, body: body, label: label)
  }

  /// The id of line `number` of a `--lines` input: the number, prefixed with the
  /// input's name when there are several inputs.
  static func lineID(_ number: Int, path: String, prefixed: Bool) -> String {
    prefixed ? "\(path):\(number)" : String(number)
  }

  /// Checks a `--lines` line.
  static func checkTextLine(_ line: UnsafeBufferPointer<UInt8>, path: String, line number: Int) throws(CorpusError) {
    if line.contains(0) {
      throw .malformedLine(path: path, line: number, reason: "NUL byte in a text line (binary data?)")
    }
  }
}
