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
