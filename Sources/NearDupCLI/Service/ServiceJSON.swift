// The strict JSON parser behind `neardup serve`'s request bodies. It depends on the
// standard library and ServiceRequest.swift only, so that the service fuzz target
// compiles the two alone.

/// The members of one JSON object, with typed accessors whose errors name the
/// field by its path in the body (`documents[2].text`).
struct JSONObjectFields {
  var members: [String: JSONValue]
  /// The object's path in the body, with a trailing "." when not empty.
  var path: String

  func requiredString(_ key: String) throws(ServiceRequestError) -> String {
    switch members[key] {
    case .string(let value)?: return value
    case nil: throw .badRequest("missing field \(ServiceRequest.quoted(path + key))")
    case let other?:
      throw .badRequest("field \(ServiceRequest.quoted(path + key)) must be a string (found \(other.kind))")
    }
  }

  /// A string, or nil when the field is absent or null.
  func optionalString(_ key: String) throws(ServiceRequestError) -> String? {
    switch members[key] {
    case .string(let value)?: return value
    case nil, .null?: return nil
    case let other?:
      throw .badRequest("field \(ServiceRequest.quoted(path + key)) must be a string (found \(other.kind))")
    }
  }

  /// A number's text as written, or nil when the field is absent or null.
  func optionalNumber(_ key: String) throws(ServiceRequestError) -> String? {
    switch members[key] {
    case .number(let value)?: return value
    case nil, .null?: return nil
    case let other?:
      throw .badRequest("field \(ServiceRequest.quoted(path + key)) must be a number (found \(other.kind))")
    }
  }

  /// A boolean, or nil when the field is absent or null.
  func optionalBool(_ key: String) throws(ServiceRequestError) -> Bool? {
    switch members[key] {
    case .bool(let value)?: return value
    case nil, .null?: return nil
    case let other?:
      throw .badRequest("field \(ServiceRequest.quoted(path + key)) must be true or false (found \(other.kind))")
    }
  }
}

/// A parsed JSON value. Numbers keep their text as written.
enum JSONValue: Equatable {
  case null
  case bool(Bool)
  case number(String)
  case string(String)
  case array([JSONValue])
  /// An object; its keys are distinct (the parser refuses duplicates).
  case object([String: JSONValue])

  /// The kind of value, for messages: "a string", "an array", "null".
  var kind: String {
    switch self {
    case .null: "null"
    case .bool: "a boolean"
    case .number: "a number"
    case .string: "a string"
    case .array: "an array"
    case .object: "an object"
    }
  }
}

/// A strict recursive-descent JSON parser (RFC 8259) over bytes.
///
/// - Invariant: `position <= bytes.count`; every read checks the bound first, so
///   no input traps. Recursion is at most `ServiceRequest.maximumDepth` deep.
struct JSONParser {
  let bytes: [UInt8]
  private(set) var position = 0
  /// The keys and indices leading to the value being parsed, for messages.
  private var path: [PathComponent] = []

  private enum PathComponent {
    case key(String)
    case index(Int)
  }

  init(bytes: [UInt8]) {
    self.bytes = bytes
  }

  /// Parses the whole input as one JSON value, with only whitespace around it (a
  /// leading UTF-8 byte order mark is skipped).
  /// - Throws: 400 with the problem and its byte offset.
  mutating func parseDocument() throws(ServiceRequestError) -> JSONValue {
    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { position = 3 }
    skipWhitespace()
    guard position < bytes.count else {
      throw .badRequest(bytes.isEmpty ? "empty body; expected a JSON object" : "malformed JSON body: no value")
    }
    let value = try parseValue(depth: 0)
    skipWhitespace()
    guard position == bytes.count else { throw malformed("unexpected data after the JSON value") }
    return value
  }

  private mutating func parseValue(depth: Int) throws(ServiceRequestError) -> JSONValue {
    guard depth < ServiceRequest.maximumDepth else {
      throw .badRequest("malformed JSON body: nested deeper than \(ServiceRequest.maximumDepth) levels")
    }
    guard position < bytes.count else { throw malformed("unexpected end of input") }
    switch bytes[position] {
    case UInt8(ascii: "{"): return try parseObject(depth: depth)
    case UInt8(ascii: "["): return try parseArray(depth: depth)
    case UInt8(ascii: "\""): return .string(try parseString())
    case UInt8(ascii: "t"):
      try expectLiteral("true")
      return .bool(true)
    case UInt8(ascii: "f"):
      try expectLiteral("false")
      return .bool(false)
    case UInt8(ascii: "n"):
      try expectLiteral("null")
      return .null
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
    default: throw malformed("unexpected character \(describeByte(bytes[position]))")
    }
  }

  private mutating func parseObject(depth: Int) throws(ServiceRequestError) -> JSONValue {
    position += 1  // {
    var members: [String: JSONValue] = [:]
    skipWhitespace()
    if consume(UInt8(ascii: "}")) { return .object(members) }
    while true {
      skipWhitespace()
      guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else {
        throw malformed("expected a field name in double quotes")
      }
      let keyOffset = position
      let key = try parseString()
      guard members[key] == nil else {
        path.append(.key(key))
        throw .badRequest("duplicate field \(ServiceRequest.quoted(pathDescription)) (at offset \(keyOffset))")
      }
      skipWhitespace()
      guard consume(UInt8(ascii: ":")) else { throw malformed("expected ':' after a field name") }
      skipWhitespace()
      path.append(.key(key))
      members[key] = try parseValue(depth: depth + 1)
      path.removeLast()
      skipWhitespace()
      if consume(UInt8(ascii: ",")) { continue }
      if consume(UInt8(ascii: "}")) { return .object(members) }
      throw malformed("expected ',' or '}' after a field")
    }
  }

  private mutating func parseArray(depth: Int) throws(ServiceRequestError) -> JSONValue {
    position += 1  // [
    var elements: [JSONValue] = []
    skipWhitespace()
    if consume(UInt8(ascii: "]")) { return .array(elements) }
    while true {
      skipWhitespace()
      path.append(.index(elements.count))
      elements.append(try parseValue(depth: depth + 1))
      path.removeLast()
      skipWhitespace()
      if consume(UInt8(ascii: ",")) { continue }
      if consume(UInt8(ascii: "]")) { return .array(elements) }
      throw malformed("expected ',' or ']' after an array element")
    }
  }

  /// Parses a string starting at its opening quote.
  private mutating func parseString() throws(ServiceRequestError) -> String {
    position += 1  // "
    var decoded: [UInt8] = []
    while true {
      // Copy the run of plain bytes up to the next quote, backslash or control byte.
      let start = position
      while position < bytes.count {
        let byte = bytes[position]
        if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20 { break }
        position += 1
      }
      decoded.append(contentsOf: bytes[start..<position])
      guard position < bytes.count else { throw malformed("unterminated string") }
      let byte = bytes[position]
      if byte == UInt8(ascii: "\"") {
        position += 1
        break
      }
      if byte < 0x20 { throw malformed("control character \(describeByte(byte)) in a string (escape it)") }
      try parseEscape(into: &decoded)
    }
    guard let string = ServiceRequest.validatedUTF8(decoded) else {
      throw malformed("string is not valid UTF-8")
    }
    return string
  }

  /// Decodes the escape at `position` (a backslash) into `decoded`.
  private mutating func parseEscape(into decoded: inout [UInt8]) throws(ServiceRequestError) {
    position += 1  // backslash
    guard position < bytes.count else { throw malformed("unterminated string") }
    let escape = bytes[position]
    position += 1
    switch escape {
    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): decoded.append(escape)
    case UInt8(ascii: "b"): decoded.append(0x08)
    case UInt8(ascii: "f"): decoded.append(0x0C)
    case UInt8(ascii: "n"): decoded.append(0x0A)
    case UInt8(ascii: "r"): decoded.append(0x0D)
    case UInt8(ascii: "t"): decoded.append(0x09)
    case UInt8(ascii: "u"):
      var scalar = try parseHexQuad()
      if (0xD800...0xDBFF).contains(scalar) {
        guard position + 1 < bytes.count, bytes[position] == UInt8(ascii: "\\"),
          bytes[position + 1] == UInt8(ascii: "u")
        else { throw malformed("unpaired surrogate \\u\(String(scalar, radix: 16, uppercase: true))") }
        position += 2
        let low = try parseHexQuad()
        guard (0xDC00...0xDFFF).contains(low) else {
          throw malformed("unpaired surrogate \\u\(String(scalar, radix: 16, uppercase: true))")
        }
        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
      } else if (0xDC00...0xDFFF).contains(scalar) {
        throw malformed("unpaired surrogate \\u\(String(scalar, radix: 16, uppercase: true))")
      }
      guard let unicodeScalar = Unicode.Scalar(scalar) else { throw malformed("invalid \\u escape") }
      decoded.append(contentsOf: String(unicodeScalar).utf8)
    default:
      position -= 1
      throw malformed("invalid escape \\\(describeByte(escape, quoted: false))")
    }
  }

  /// Four hex digits of a `\u` escape.
  private mutating func parseHexQuad() throws(ServiceRequestError) -> UInt32 {
    guard position + 4 <= bytes.count else { throw malformed("\\u must be followed by four hex digits") }
    var value: UInt32 = 0
    for _ in 0..<4 {
      let byte = bytes[position]
      let digit: UInt32
      switch byte {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
      case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
      case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
      default: throw malformed("\\u must be followed by four hex digits")
      }
      value = value << 4 | digit
      position += 1
    }
    return value
  }

  /// Parses a number, returning its text: `-? (0 | [1-9][0-9]*) (.[0-9]+)? ([eE][+-]?[0-9]+)?`.
  private mutating func parseNumber() throws(ServiceRequestError) -> String {
    let start = position
    _ = consume(UInt8(ascii: "-"))
    if consume(UInt8(ascii: "0")) {
      if position < bytes.count, isDigit(bytes[position]) { throw malformed("number with a leading zero") }
    } else {
      guard skipDigits() else { throw malformed("expected a digit") }
    }
    if consume(UInt8(ascii: ".")) {
      guard skipDigits() else { throw malformed("expected a digit after '.'") }
    }
    if consume(UInt8(ascii: "e")) || consume(UInt8(ascii: "E")) {
      if !consume(UInt8(ascii: "+")) { _ = consume(UInt8(ascii: "-")) }
      guard skipDigits() else { throw malformed("expected a digit in the exponent") }
    }
    return String(decoding: bytes[start..<position], as: UTF8.self)
  }

  /// Skips digits; whether there was at least one.
  private mutating func skipDigits() -> Bool {
    let start = position
    while position < bytes.count, isDigit(bytes[position]) { position += 1 }
    return position > start
  }

  private func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

  private mutating func expectLiteral(_ literal: StaticString) throws(ServiceRequestError) {
    let count = literal.utf8CodeUnitCount
    let matches = literal.withUTF8Buffer { expected in
      position + count <= bytes.count && bytes[position..<position + count].elementsEqual(expected)
    }
    guard matches else { throw malformed("unexpected character \(describeByte(bytes[position]))") }
    position += count
  }

  private mutating func consume(_ byte: UInt8) -> Bool {
    guard position < bytes.count, bytes[position] == byte else { return false }
    position += 1
    return true
  }

  private mutating func skipWhitespace() {
    while position < bytes.count {
      switch bytes[position] {
      case 0x20, 0x09, 0x0A, 0x0D: position += 1
      default: return
      }
    }
  }

  /// "malformed JSON body: PROBLEM at offset N" (N counts bytes from 0), naming the
  /// field being parsed when there is one.
  private func malformed(_ problem: String) -> ServiceRequestError {
    let field = path.isEmpty ? "" : " in field \(ServiceRequest.quoted(pathDescription))"
    return .badRequest("malformed JSON body: \(problem)\(field) at offset \(position)")
  }

  /// The path as `documents[2].id`.
  private var pathDescription: String {
    var text = ""
    for component in path {
      switch component {
      case .key(let key): text += text.isEmpty ? key : "." + key
      case .index(let index): text += "[\(index)]"
      }
    }
    return text
  }

  private func describeByte(_ byte: UInt8, quoted: Bool = true) -> String {
    if byte >= 0x21 && byte < 0x7F {
      let character = String(UnicodeScalar(byte))
      return quoted ? "'\(character)'" : character
    }
    return "0x" + (byte < 0x10 ? "0" : "") + String(byte, radix: 16, uppercase: true)
  }
}
