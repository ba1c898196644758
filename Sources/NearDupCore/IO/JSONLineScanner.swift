internal import CVectorKernels

/// The value found for one wanted field of a JSON Lines record.
enum JSONFieldValue: Equatable {
  /// The record has no such field.
  case missing
  /// The field is `null`.
  case null
  /// A string, decoded to UTF-8 into the scanner's `decoded` buffer at this range.
  case string(Range<Int>)
  /// A number; its source text is copied into `decoded` at this range.
  case number(Range<Int>)
  /// Any other JSON value (true, false, object, array), named for messages.
  case other(String)
}

/// A JSON syntax error at a 1-based column of the line.
struct JSONSyntaxError: Error, Equatable {
  var message: String
  var column: Int
}

/// Reads one JSON Lines record: validates that the line is exactly one JSON object
/// (RFC 8259) and decodes only the fields NearDup needs, skipping the others without
/// building them. No general JSON parser or object tree is involved.
///
/// Strings are decoded straight into a buffer sized for the whole line (decoding
/// never lengthens a string), their plain runs copied 64 bytes at a time with
/// AVX-512 where the processor has it, else found 16 bytes at a time with SSE2 (eight
/// with SWAR elsewhere) and copied.
///
/// - Invariant: after `scan` returns, the ranges in `values` index `decoded`.
/// - Complexity: O(line length); nesting is limited to `maximumDepth` levels.
struct JSONLineScanner {
  /// The deepest nesting of objects and arrays accepted.
  static let maximumDepth = 512
  /// Whether this processor runs the AVX-512 string copy.
  static let vectorCopyAvailable = cvk_json_copy_available()

  /// The names of the wanted fields, as UTF-8.
  let keys: [[UInt8]]
  /// Whether plain runs are copied with the AVX-512 kernel.
  let copiesWithVectors: Bool
  /// Decoded strings and copied numbers of the last scanned line, at the ranges
  /// `values` gives; the bytes past them are scratch.
  private(set) var decoded: [UInt8] = []
  /// One value per wanted key, in the order of `keys`, for the last line scanned
  /// without an error (reused from line to line: scanning allocates nothing once
  /// the buffers have grown to the longest line).
  private(set) var values: [JSONFieldValue]

  /// Creates a scanner for the fields named `keys`.
  init(keys: [String]) {
    self.init(keys: keys, copiesWithVectors: Self.vectorCopyAvailable)
  }

  /// Creates a scanner that copies with the AVX-512 kernel or not (tests compare the
  /// two).
  /// - Precondition: `!copiesWithVectors || JSONLineScanner.vectorCopyAvailable`.
  init(keys: [String], copiesWithVectors: Bool) {
    precondition(!copiesWithVectors || Self.vectorCopyAvailable, "this processor lacks AVX-512 BW")
    self.keys = keys.map { Array($0.utf8) }
    self.copiesWithVectors = copiesWithVectors
    values = [JSONFieldValue](repeating: .missing, count: keys.count)
  }

  /// Scans `line` into `values` and `decoded`.
  /// - Throws: `JSONSyntaxError` when the line is not a single valid JSON object, or
  ///   names a wanted field twice.
  mutating func scan(_ line: UnsafeBufferPointer<UInt8>) throws(JSONSyntaxError) {
    for index in values.indices { values[index] = .missing }
    // An escape (2 to 12 bytes) decodes to at most 4 bytes and a plain byte to
    // itself, so what a line decodes to, all strings and numbers together, never
    // outgrows the line; 64 bytes more take the vector copy's whole-block stores.
    let room = line.count + 64
    // The buffer leaves `self` while it is written through a pointer.
    var output = decoded
    decoded = []
    defer { decoded = output }
    if output.count < room { output.resize(to: room, filling: 0) }
    try output.withUnsafeMutableBufferPointer { (output) throws(JSONSyntaxError) in
      var cursor = Cursor(bytes: line, copiesWithVectors: copiesWithVectors)
      var written = 0
      try scanObject(&cursor, output: output.baseAddress!, written: &written)
    }
  }

  /// The object of the line at `cursor`, its wanted values decoded to `output`
  /// (`written` bytes so far). Each field name is decoded just past them, where the
  /// next value overwrites it.
  private mutating func scanObject(
    _ cursor: inout Cursor, output: UnsafeMutablePointer<UInt8>, written: inout Int
  ) throws(JSONSyntaxError) {
    cursor.skipWhitespace()
    guard cursor.peek() == UInt8(ascii: "{") else {
      throw cursor.error(cursor.atEnd ? "empty record" : "expected a JSON object ('{')")
    }
    cursor.advance()
    cursor.skipWhitespace()
    if cursor.peek() == UInt8(ascii: "}") {
      cursor.advance()
    } else {
      while true {
        guard cursor.peek() == UInt8(ascii: "\"") else { throw cursor.error("expected a field name in double quotes") }
        let nameSource = cursor.offset
        var nameEnd = written
        try cursor.string(into: output, written: &nameEnd)
        let name = UnsafeBufferPointer(start: output + written, count: nameEnd - written)
        let nameSourceRange = nameSource..<cursor.offset
        cursor.skipWhitespace()
        guard cursor.peek() == UInt8(ascii: ":") else {
          throw cursor.error("expected ':' after field name \"\(String(decoding: name, as: UTF8.self))\"")
        }
        cursor.advance()
        cursor.skipWhitespace()
        if let wanted = keys.firstIndex(where: { $0.elementsEqual(name) }) {
          guard values[wanted] == .missing else {
            throw cursor.error("field \"\(String(decoding: name, as: UTF8.self))\" appears twice")
          }
          values[wanted] = try wantedValue(&cursor, output: output, written: &written)
        } else {
          try cursor.skipValue(depth: 1)
        }
        cursor.skipWhitespace()
        if cursor.peek() == UInt8(ascii: ",") {
          cursor.advance()
          cursor.skipWhitespace()
          continue
        }
        guard cursor.peek() == UInt8(ascii: "}") else {
          // The value has overwritten the decoded name: decode it again from the line.
          let name = cursor.decodedString(at: nameSourceRange)
          throw cursor.error("expected ',' or '}' after the value of \"\(name)\"")
        }
        cursor.advance()
        break
      }
    }
    cursor.skipWhitespace()
    guard cursor.atEnd else { throw cursor.error("unexpected text after the JSON object") }
  }

  /// Reads the value of a wanted field, decoding strings and copying numbers to
  /// `output` after its first `written` bytes.
  private func wantedValue(_ cursor: inout Cursor, output: UnsafeMutablePointer<UInt8>, written: inout Int)
    throws(JSONSyntaxError) -> JSONFieldValue
  {
    guard let first = cursor.peek() else { throw cursor.error("missing value") }
    let start = written
    switch first {
    case UInt8(ascii: "\""):
      try cursor.string(into: output, written: &written)
      return .string(start..<written)
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
      let from = cursor.offset
      try cursor.number()
      (output + written).update(from: cursor.bytes.baseAddress! + from, count: cursor.offset - from)
      written += cursor.offset - from
      return .number(start..<written)
    case UInt8(ascii: "n"):
      try cursor.literal("null")
      return .null
    case UInt8(ascii: "t"):
      try cursor.literal("true")
      return .other("true")
    case UInt8(ascii: "f"):
      try cursor.literal("false")
      return .other("false")
    case UInt8(ascii: "{"):
      try cursor.skipValue(depth: 1)
      return .other("an object")
    case UInt8(ascii: "["):
      try cursor.skipValue(depth: 1)
      return .other("an array")
    default:
      throw cursor.error("unexpected character \(cursor.describeCurrent())")
    }
  }
}

/// A position in one line, with the JSON grammar's lexical rules.
private struct Cursor {
  let bytes: UnsafeBufferPointer<UInt8>
  var offset = 0
  /// Whether plain runs of strings are copied with the AVX-512 kernel.
  let copiesWithVectors: Bool

  init(bytes: UnsafeBufferPointer<UInt8>, copiesWithVectors: Bool) {
    self.bytes = bytes
    self.copiesWithVectors = copiesWithVectors
  }

  var atEnd: Bool { offset >= bytes.count }

  @inline(__always)
  func peek() -> UInt8? { offset < bytes.count ? bytes[offset] : nil }

  @inline(__always)
  mutating func advance() { offset += 1 }

  func error(_ message: String) -> JSONSyntaxError {
    JSONSyntaxError(message: message, column: offset + 1)
  }

  func describeCurrent() -> String {
    guard let byte = peek() else { return "end of line" }
    if byte >= 0x20 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
    return "byte 0x" + String(byte, radix: 16, uppercase: true)
  }

  @inline(__always)
  mutating func skipWhitespace() {
    while offset < bytes.count {
      switch bytes[offset] {
      case 0x20, 0x09, 0x0A, 0x0D: offset += 1
      default: return
      }
    }
  }

  mutating func literal(_ word: StaticString) throws(JSONSyntaxError) {
    let count = word.utf8CodeUnitCount
    let expected = UnsafeBufferPointer(start: word.utf8Start, count: count)
    guard offset + count <= bytes.count,
      (0..<count).allSatisfy({ bytes[offset + $0] == expected[$0] })
    else { throw error("invalid literal (expected \(word))") }
    offset += count
  }

  /// Validates a number: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
  mutating func number() throws(JSONSyntaxError) {
    if peek() == UInt8(ascii: "-") { advance() }
    guard let first = peek(), first >= UInt8(ascii: "0"), first <= UInt8(ascii: "9") else {
      throw error("invalid number")
    }
    advance()
    if first != UInt8(ascii: "0") { skipDigits() }
    if peek() == UInt8(ascii: ".") {
      advance()
      guard skipDigits() > 0 else { throw error("invalid number: digits expected after '.'") }
    }
    if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
      advance()
      if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { advance() }
      guard skipDigits() > 0 else { throw error("invalid number: digits expected in exponent") }
    }
  }

  @discardableResult
  mutating func skipDigits() -> Int {
    let from = offset
    while let byte = peek(), byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") { advance() }
    return offset - from
  }

  /// Decodes the string at the cursor (which is at its opening quote) to UTF-8 at
  /// `out + written`, advancing `written`. Lone surrogate escapes decode to U+FFFD.
  /// - Precondition: `out` has room for `written` plus the rest of the line plus 64
  ///   bytes (the string decodes to at most its own length).
  mutating func string(into out: UnsafeMutablePointer<UInt8>, written: inout Int) throws(JSONSyntaxError) {
    advance()  // opening quote
    @inline(__always) func emit(_ byte: UInt8) {
      out[written] = byte
      written &+= 1
    }
    while true {
      // Fast path: copy the run of plain bytes up to the next quote, backslash or control.
      if copiesWithVectors {
        let run = cvk_json_copy_plain(bytes.baseAddress! + offset, bytes.count - offset, out + written)
        offset += run
        written += run
      } else {
        let runStart = offset
        skipPlainBytes()
        (out + written).update(from: bytes.baseAddress! + runStart, count: offset - runStart)
        written += offset - runStart
      }
      guard let byte = peek() else { throw error("unterminated string") }
      if byte == UInt8(ascii: "\"") {
        advance()
        return
      }
      if byte < 0x20 { throw error("unescaped control character (byte 0x\(String(byte, radix: 16))) in a string") }
      advance()  // backslash
      guard let escape = peek() else { throw error("unterminated string") }
      advance()
      switch escape {
      case UInt8(ascii: "\""): emit(0x22)
      case UInt8(ascii: "\\"): emit(0x5C)
      case UInt8(ascii: "/"): emit(0x2F)
      case UInt8(ascii: "b"): emit(0x08)
      case UInt8(ascii: "f"): emit(0x0C)
      case UInt8(ascii: "n"): emit(0x0A)
      case UInt8(ascii: "r"): emit(0x0D)
      case UInt8(ascii: "t"): emit(0x09)
      case UInt8(ascii: "u"):
        var scalar = try hexQuad()
        if (0xD800...0xDBFF).contains(scalar) {
          // A high surrogate must be followed by an escaped low surrogate.
          if offset + 1 < bytes.count && bytes[offset] == UInt8(ascii: "\\") && bytes[offset + 1] == UInt8(ascii: "u") {
            let save = offset
            offset += 2
            let low = try hexQuad()
            if (0xDC00...0xDFFF).contains(low) {
              scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else {
              offset = save
              scalar = 0xFFFD
            }
          } else {
            scalar = 0xFFFD
          }
        } else if (0xDC00...0xDFFF).contains(scalar) {
          scalar = 0xFFFD
        }
        encodeUTF8(scalar, emit)
      default:
        offset -= 1
        throw error("invalid escape \\\(describeCurrent())")
      }
    }
  }

  /// The string whose JSON source (quotes included) lies at `range` of the line,
  /// decoded: for messages, after its first decoding was overwritten.
  /// - Precondition: `range` holds a string this cursor decoded before.
  func decodedString(at range: Range<Int>) -> String {
    var copy = Cursor(bytes: UnsafeBufferPointer(rebasing: bytes[range]), copiesWithVectors: false)
    let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: range.count + 64)
    defer { buffer.deallocate() }
    var count = 0
    _ = try? copy.string(into: buffer, written: &count)
    return String(decoding: UnsafeBufferPointer(start: buffer, count: count), as: UTF8.self)
  }

  mutating func hexQuad() throws(JSONSyntaxError) -> UInt32 {
    guard offset + 4 <= bytes.count else { throw error("invalid \\u escape: four hex digits expected") }
    var value: UInt32 = 0
    for _ in 0..<4 {
      let byte = bytes[offset]
      let digit: UInt8
      switch byte {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
      case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
      case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
      default: throw error("invalid \\u escape: four hex digits expected")
      }
      value = value << 4 | UInt32(digit)
      offset += 1
    }
    return value
  }

  /// Skips (and validates) any value; `depth` counts the enclosing containers.
  mutating func skipValue(depth: Int) throws(JSONSyntaxError) {
    guard depth <= JSONLineScanner.maximumDepth else {
      throw error("nesting deeper than \(JSONLineScanner.maximumDepth) levels")
    }
    guard let byte = peek() else { throw error("missing value") }
    switch byte {
    case UInt8(ascii: "\""):
      try skipString()
    case UInt8(ascii: "{"):
      advance()
      skipWhitespace()
      if peek() == UInt8(ascii: "}") {
        advance()
        return
      }
      while true {
        guard peek() == UInt8(ascii: "\"") else { throw error("expected a field name in double quotes") }
        try skipString()
        skipWhitespace()
        guard peek() == UInt8(ascii: ":") else { throw error("expected ':' after a field name") }
        advance()
        skipWhitespace()
        try skipValue(depth: depth + 1)
        skipWhitespace()
        if peek() == UInt8(ascii: ",") {
          advance()
          skipWhitespace()
          continue
        }
        guard peek() == UInt8(ascii: "}") else { throw error("expected ',' or '}' in an object") }
        advance()
        return
      }
    case UInt8(ascii: "["):
      advance()
      skipWhitespace()
      if peek() == UInt8(ascii: "]") {
        advance()
        return
      }
      while true {
        try skipValue(depth: depth + 1)
        skipWhitespace()
        if peek() == UInt8(ascii: ",") {
          advance()
          skipWhitespace()
          continue
        }
        guard peek() == UInt8(ascii: "]") else { throw error("expected ',' or ']' in an array") }
        advance()
        return
      }
    case UInt8(ascii: "t"): try literal("true")
    case UInt8(ascii: "f"): try literal("false")
    case UInt8(ascii: "n"): try literal("null")
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try number()
    default: throw error("unexpected character \(describeCurrent())")
    }
  }

  /// Advances over bytes that need no attention inside a string — anything but a
  /// quote, a backslash or a control character — with the C kernel
  /// `cvk_json_plain_length`: 16 at a time with SSE2 on x86-64, else eight at a time
  /// (SWAR: a zero-byte test on the word XORed with each special byte, and a
  /// below-0x20 test).
  @inline(__always)
  mutating func skipPlainBytes() {
    offset += cvk_json_plain_length(bytes.baseAddress! + offset, bytes.count - offset)
  }

  /// Skips a string, validating escapes and control characters without decoding.
  mutating func skipString() throws(JSONSyntaxError) {
    advance()
    while offset < bytes.count {
      skipPlainBytes()
      guard offset < bytes.count else { break }
      let byte = bytes[offset]
      switch byte {
      case UInt8(ascii: "\""):
        advance()
        return
      case UInt8(ascii: "\\"):
        advance()
        guard let escape = peek() else { throw error("unterminated string") }
        switch escape {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
          UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
          advance()
        case UInt8(ascii: "u"):
          advance()
          _ = try hexQuad()
        default:
          throw error("invalid escape \\\(describeCurrent())")
        }
      case 0..<0x20:
        throw error("unescaped control character (byte 0x\(String(byte, radix: 16))) in a string")
      default:
        advance()
      }
    }
    throw error("unterminated string")
  }
}
