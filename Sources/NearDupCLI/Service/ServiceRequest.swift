// Request decoding for `neardup serve`: pure functions from bytes and strings to
// values, with no HTTP framework underneath. This file depends on the standard
// library and NearDupCore only (no other file of NearDupCLI, no Hummingbird, no
// NIO), so that a fuzz target can compile it alone; every function accepts any
// input without trapping and reports what is wrong as a `ServiceRequestError`.

import NearDupCore

/// A request the service refuses: the HTTP status to answer with and the message
/// of the JSON error body (`{"error": message}`).
struct ServiceRequestError: Error, Equatable, CustomStringConvertible {
  /// The HTTP status code, 4xx.
  var status: Int
  /// What is wrong, for the client.
  var message: String

  /// 400 Bad Request with `message`.
  static func badRequest(_ message: String) -> Self { Self(status: 400, message: message) }

  var description: String { "\(status): \(message)" }
}

/// The body of `POST /query`.
struct QueryRequest: Equatable, Sendable {
  /// The text to look up.
  var text: String
  /// Its title, if any; a title is searched as the first line of the text, as the
  /// index does with stored documents.
  var title: String?
  /// The smallest similarity returned, in (0, 1]; nil for the index threshold.
  var threshold: Double?
  /// Return at most this many matches, at least 1.
  var top: Int?
  /// Whether to report the exact Jaccard similarity of each match.
  var exact: Bool = false

  /// The title and the text as the index sketches them: "title\ntext", or the
  /// text alone when there is no title.
  var sketchedText: String {
    guard let title, !title.isEmpty else { return text }
    return title + "\n" + text
  }
}

/// Decoding of request bodies, path segments and query parameters.
///
/// Bodies are JSON (RFC 8259) read by a strict parser of its own: duplicate keys
/// in any object, invalid UTF-8, unpaired surrogate escapes, control characters
/// inside strings and nesting deeper than `maximumDepth` are refused, as the CLI's
/// JSON Lines reader refuses them. Unknown fields are ignored.
enum ServiceRequest {
  /// The deepest nesting of objects and arrays accepted in a body.
  static let maximumDepth = 64

  /// Decodes the body of `POST /query`:
  /// `{"text": …, "title"?: …, "threshold"?: …, "top"?: …, "exact"?: …}`.
  /// - Throws: 400 naming the malformed, missing or out-of-range field.
  /// - Complexity: O(body.count).
  static func query(from body: [UInt8]) throws(ServiceRequestError) -> QueryRequest {
    let object = try topLevelObject(from: body)
    var request = QueryRequest(text: try object.requiredString("text"))
    request.title = try object.optionalString("title")
    if let threshold = try object.optionalNumber("threshold") {
      guard let value = Double(threshold), value > 0 && value <= 1 else {
        throw .badRequest("threshold must be in (0, 1] (got \(threshold.prefix(40)))")
      }
      request.threshold = value
    }
    if let top = try object.optionalNumber("top") {
      guard let value = integer(top), value >= 1 else {
        throw .badRequest("top must be a whole number of at least 1 (got \(top.prefix(40)))")
      }
      request.top = value
    }
    request.exact = try object.optionalBool("exact") ?? false
    return request
  }

  /// Decodes the body of `POST /documents`: one document `{"id", "text", "title"?}`
  /// or a batch `{"documents": [ … ]}`. An id may be a JSON string or number (a
  /// number's id is its text as written, `42` → "42"), as in the CLI's JSON Lines.
  /// - Returns: At least one document, with distinct non-empty ids.
  /// - Throws: 400 naming the field at fault (`documents[3].id`), a duplicated key,
  ///   or an id given twice.
  /// - Complexity: O(body.count).
  static func documents(from body: [UInt8]) throws(ServiceRequestError) -> [Document] {
    let object = try topLevelObject(from: body)
    var documents: [Document] = []
    if let batch = object.members["documents"] {
      if object.members["id"] != nil || object.members["text"] != nil {
        throw .badRequest("a body holds either \"documents\" or one document's \"id\" and \"text\", not both")
      }
      guard case .array(let elements) = batch else {
        throw .badRequest("field \"documents\" must be an array of documents (found \(batch.kind))")
      }
      guard !elements.isEmpty else { throw .badRequest("no documents given") }
      documents.reserveCapacity(elements.count)
      for (index, element) in elements.enumerated() {
        let path = "documents[\(index)]"
        guard case .object(let members) = element else {
          throw .badRequest("\(path) must be a JSON object (found \(element.kind))")
        }
        documents.append(try document(from: JSONObjectFields(members: members, path: path + ".")))
      }
    } else {
      documents.append(try document(from: object))
    }
    var seen = Set<String>(minimumCapacity: documents.count)
    for document in documents where !seen.insert(document.id).inserted {
      throw .badRequest("id \(quoted(document.id)) appears twice in the request")
    }
    return documents
  }

  /// Percent-decodes one segment of a URL path (RFC 3986 §2.1):
  /// `news%2F2025%2Fa%20b` → "news/2025/a b". `+` stays `+`.
  /// - Throws: 400 when a `%` is not followed by two hex digits, or the decoded
  ///   bytes are not UTF-8.
  /// - Complexity: O(raw.utf8.count).
  static func decodedPathSegment(_ raw: Substring) throws(ServiceRequestError) -> String {
    guard raw.utf8.contains(UInt8(ascii: "%")) else { return String(raw) }
    var bytes: [UInt8] = []
    bytes.reserveCapacity(raw.utf8.count)
    var iterator = raw.utf8.makeIterator()
    while let byte = iterator.next() {
      guard byte == UInt8(ascii: "%") else {
        bytes.append(byte)
        continue
      }
      guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
        throw .badRequest(
          "malformed percent-encoding in path segment \(quoted(String(raw))): '%' must be followed by two hex digits")
      }
      bytes.append(high << 4 | low)
    }
    guard let decoded = validatedUTF8(bytes) else {
      throw .badRequest("path segment \(quoted(String(raw))) is not UTF-8 once percent-decoded")
    }
    return decoded
  }

  /// The document id named by a path segment: percent-decoded, not empty.
  /// - Throws: 400 for a malformed encoding or an empty id.
  static func documentID(fromPathSegment raw: Substring) throws(ServiceRequestError) -> String {
    let id = try decodedPathSegment(raw)
    guard !id.isEmpty else { throw .badRequest("empty document id in the path") }
    return id
  }

  /// The `replace` query parameter of `POST /documents`: absent or "false" is
  /// false, "true" is true.
  /// - Throws: 400 for any other value.
  static func replaceFlag(_ value: Substring?) throws(ServiceRequestError) -> Bool {
    switch value {
    case nil, "false"?: false
    case "true"?: true
    case let value?: throw .badRequest("replace must be true or false (got \(quoted(String(value))))")
    }
  }

  /// Checks a `Content-Type` header: the media type must be `application/json`
  /// (case-insensitive, parameters allowed), and a `charset` parameter, if any,
  /// UTF-8.
  /// - Throws: 415 Unsupported Media Type otherwise, missing header included.
  /// - Complexity: O(value.utf8.count).
  static func checkJSONContentType(_ value: String?) throws(ServiceRequestError) {
    guard let value else {
      throw ServiceRequestError(status: 415, message: "missing Content-Type; send Content-Type: application/json")
    }
    let parts = value.split(separator: ";", omittingEmptySubsequences: false)
    let mediaType = parts[0].trimmingASCIIWhitespace().lowercased()
    guard mediaType == "application/json" else {
      throw ServiceRequestError(
        status: 415, message: "Content-Type must be application/json (got \(quoted(value)))")
    }
    for parameter in parts.dropFirst() {
      let pair = parameter.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
      guard pair[0].trimmingASCIIWhitespace().lowercased() == "charset", pair.count == 2 else { continue }
      var charset = pair[1].trimmingASCIIWhitespace().lowercased()[...]
      if charset.count >= 2 && charset.hasPrefix("\"") && charset.hasSuffix("\"") {
        charset = charset.dropFirst().dropLast()
      }
      guard charset == "utf-8" || charset == "utf8" else {
        throw ServiceRequestError(
          status: 415, message: "JSON must be UTF-8 (Content-Type gives charset \(quoted(String(charset))))")
      }
    }
  }

  /// The token of an `Authorization: Bearer TOKEN` header (RFC 6750), nil when the
  /// header is missing or uses another scheme.
  static func bearerToken(fromAuthorization value: String?) -> Substring? {
    guard let value else { return nil }
    let trimmed = value.trimmingASCIIWhitespace()
    guard let space = trimmed.firstIndex(where: { $0 == " " || $0 == "\t" }),
      trimmed[..<space].lowercased() == "bearer"
    else { return nil }
    let token = trimmed[space...].trimmingASCIIWhitespace()
    return token.isEmpty ? nil : token
  }

  /// Whether `presented` equals `expected`, in a time that depends on the length
  /// of `expected` only, not on where the two first differ.
  static func tokensMatch(_ presented: some Collection<UInt8>, _ expected: [UInt8]) -> Bool {
    let presented = Array(presented)
    var difference = UInt8(presented.count == expected.count ? 0 : 1)
    for index in expected.indices {
      difference |= expected[index] ^ (index < presented.count ? presented[index] : 0)
    }
    return difference == 0
  }

  /// `value` in double quotes for a message, its middle elided past 80 characters.
  static func quoted(_ value: String) -> String {
    var bytes: [UInt8] = [UInt8(ascii: "\"")]
    let shown = value.count > 80 ? value.prefix(60) + "…" + value.suffix(10) : value[...]
    for scalar in shown.unicodeScalars {
      switch scalar {
      case "\"": bytes += Array("\\\"".utf8)
      case "\\": bytes += Array("\\\\".utf8)
      case _ where scalar.value < 0x20 || scalar.value == 0x7F:
        bytes += Array("\\u{\(String(scalar.value, radix: 16))}".utf8)
      default: bytes += Array(String(scalar).utf8)
      }
    }
    bytes.append(UInt8(ascii: "\""))
    return String(decoding: bytes, as: UTF8.self)
  }

  // MARK: Fields

  /// The body parsed as a JSON object, or 400 saying why not.
  private static func topLevelObject(from body: [UInt8]) throws(ServiceRequestError) -> JSONObjectFields {
    var parser = JSONParser(bytes: body)
    let value = try parser.parseDocument()
    guard case .object(let members) = value else {
      throw .badRequest("body must be a JSON object (found \(value.kind))")
    }
    return JSONObjectFields(members: members, path: "")
  }

  /// One document's fields.
  private static func document(from object: JSONObjectFields) throws(ServiceRequestError) -> Document {
    let id: String
    switch object.members["id"] {
    case .string(let value)?, .number(let value)?: id = value
    case nil: throw .badRequest("missing field \(quoted(object.path + "id"))")
    case let other?:
      throw .badRequest("field \(quoted(object.path + "id")) is \(other.kind); ids must be strings or numbers")
    }
    guard !id.isEmpty else { throw .badRequest("field \(quoted(object.path + "id")) is empty") }
    let text = try object.requiredString("text")
    let title = try object.optionalString("title")
    return Document(id: id, title: title, text: text)
  }

  /// The integer a JSON number denotes, if it is a whole number that fits `Int`
  /// (`3`, `3.0`, `3e2`).
  private static func integer(_ number: String) -> Int? {
    if let value = Int(number) { return value }
    return Double(number).flatMap { Int(exactly: $0) }
  }

  /// The string that `bytes` encode, or nil when they are not valid UTF-8.
  static func validatedUTF8(_ bytes: [UInt8]) -> String? {
    var iterator = bytes.makeIterator()
    var decoder = UTF8()
    while true {
      switch decoder.decode(&iterator) {
      case .scalarValue: continue
      case .emptyInput: return String(decoding: bytes, as: UTF8.self)
      case .error: return nil
      }
    }
  }

  private static func hexValue(_ byte: UInt8) -> UInt8? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
    default: nil
    }
  }
}

/// The members of one JSON object, with typed accessors whose errors name the
/// field by its path in the body (`documents[2].text`).
private struct JSONObjectFields {
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

// MARK: JSON

/// A parsed JSON value. Numbers keep their text as written.
private enum JSONValue: Equatable {
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
private struct JSONParser {
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

extension StringProtocol {
  /// Self without leading and trailing spaces and tabs.
  fileprivate func trimmingASCIIWhitespace() -> SubSequence {
    var start = startIndex
    var end = endIndex
    while start < end, self[start] == " " || self[start] == "\t" { start = index(after: start) }
    while end > start {
      let before = index(before: end)
      guard self[before] == " " || self[before] == "\t" else { break }
      end = before
    }
    return self[start..<end]
  }
}
