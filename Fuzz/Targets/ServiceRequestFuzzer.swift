import Foundation

/// Fuzz target `service`: arbitrary bytes as what a client sends `neardup serve` —
/// a request body, a path segment, a header, a query parameter — decoded by
/// `Sources/NearDupCLI/Service/ServiceRequest.swift`, which is compiled into this
/// target (it depends on the standard library only).
///
/// Every decoder must return or throw `ServiceRequestError`, never trap. Checks,
/// for every input:
/// - `query(from:)` and `documents(from:)` against Foundation's `JSONSerialization`:
///   a body they accept is a JSON object for Foundation too, with the same text,
///   title and ids. When Foundation reads the body as a plain query or document,
///   they accept Foundation's own encoding of it, with the same strings (not the
///   body itself: Foundation is lenient, it reads trailing commas). A query's
///   threshold is in (0, 1] and its `top` at least 1; documents are at least one,
///   ids distinct and not empty.
/// - `decodedPathSegment` undoes percent-encoding: every input, read as UTF-8 and
///   encoded byte by byte, decodes back to itself, and a segment without `%` is
///   itself.
/// - `bearerToken` is idempotent, `tokensMatch` is equality, `replaceFlag` accepts
///   exactly "true" and "false", and `checkJSONContentType` and `quoted` run on
///   anything.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzServiceRequest(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let bytes = Array(UnsafeBufferPointer(start: data, count: size))
  ServiceRequestFuzzer.checkQuery(bytes)
  ServiceRequestFuzzer.checkDocuments(bytes)
  ServiceRequestFuzzer.checkStrings(bytes)
  return 0
}

enum ServiceRequestFuzzer {
  /// The body as Foundation reads it (nil inside when Foundation refuses it), or
  /// nil when Foundation cannot judge it: when it is not UTF-8 (Foundation also
  /// reads UTF-16 and UTF-32, which the service refuses), holds U+FEFF (Foundation
  /// drops some inside strings), or a number beyond `Double`.
  static func foundationObject(_ bytes: [UInt8]) -> [String: Any]?? {
    guard ServiceRequest.validatedUTF8(bytes) != nil, !containsByteOrderMark(bytes),
      let value = foundationJSON(bytes)
    else { return nil }
    return .some(value as? [String: Any])
  }

  static func string(_ value: Any?) -> [UInt8]? { (value as? String).map { Array($0.utf8) } }

  /// `object` as Foundation encodes it.
  static func encoded(_ object: [String: Any]) -> [UInt8] {
    guard let data = try? JSONSerialization.data(withJSONObject: object) else {
      Fuzz.fail("Foundation cannot encode what it read: \(object)")
    }
    return Array(data)
  }

  static func checkQuery(_ bytes: [UInt8]) {
    let decoded = Result { () throws(ServiceRequestError) in try ServiceRequest.query(from: bytes) }
    let object = foundationObject(bytes)
    switch decoded {
    case .success(let request):
      if let threshold = request.threshold { Fuzz.expect(threshold > 0 && threshold <= 1, "threshold \(threshold)") }
      if let top = request.top { Fuzz.expect(top >= 1, "top \(top)") }
      _ = request.sketchedText
      guard let judged = object else { break }
      guard let object = judged else { Fuzz.fail("a query decodes from a body Foundation refuses") }
      Fuzz.expect(string(object["text"]) == Array(request.text.utf8), "query text \(request.text.debugDescription)")
      Fuzz.expect(
        string(object["title"]) == request.title.map { Array($0.utf8) },
        "query title \(String(describing: request.title))")
    case .failure(let error):
      Fuzz.expect(error.status == 400 && !error.message.isEmpty, "a bad query answers \(error)")
    }
    // A plain query: a string text, maybe a string title, nothing else it reads.
    guard let object, let object, let text = object["text"] as? String,
      object["title"] == nil || object["title"] is String,
      object["threshold"] == nil, object["top"] == nil, object["exact"] == nil
    else { return }
    let body = encoded(object)
    switch Result(catching: { () throws(ServiceRequestError) in try ServiceRequest.query(from: body) }) {
    case .success(let request):
      Fuzz.expect(Array(request.text.utf8) == Array(text.utf8), "the text of Foundation's query reads differently")
      Fuzz.expect(string(object["title"]) == request.title.map { Array($0.utf8) }, "the title of Foundation's query")
    case .failure(let error):
      Fuzz.fail("Foundation's query \(String(decoding: body, as: UTF8.self).debugDescription) is refused: \(error)")
    }
  }

  static func checkDocuments(_ bytes: [UInt8]) {
    let decoded = Result { () throws(ServiceRequestError) in try ServiceRequest.documents(from: bytes) }
    let object = foundationObject(bytes)
    switch decoded {
    case .success(let documents):
      Fuzz.expect(!documents.isEmpty, "no documents decoded")
      Fuzz.expect(documents.allSatisfy { !$0.id.isEmpty }, "an empty id decoded")
      Fuzz.expect(Set(documents.map(\.id)).count == documents.count, "an id decoded twice: \(documents.map(\.id))")
      guard let judged = object else { break }
      guard let object = judged else { Fuzz.fail("documents decode from a body Foundation refuses") }
      let objects = (object["documents"] as? [Any])?.compactMap { $0 as? [String: Any] } ?? [object]
      Fuzz.expect(
        objects.count == documents.count, "\(documents.count) documents decoded, Foundation reads \(objects.count)")
      for (document, object) in zip(documents, objects) {
        Fuzz.expect(
          string(object["text"]) == Array(document.text.utf8), "document text \(document.text.debugDescription)")
        Fuzz.expect(string(object["title"]) == document.title.map { Array($0.utf8) }, "document title")
        if let id = object["id"] as? String {
          Fuzz.expect(id.utf8.elementsEqual(document.id.utf8), "document id \(document.id)")
        }
      }
    case .failure(let error):
      Fuzz.expect(error.status == 400 && !error.message.isEmpty, "bad documents answer \(error)")
    }
    // One plain document: string id (not empty) and text, maybe a string title.
    guard let object, let object, let id = object["id"] as? String, !id.isEmpty, let text = object["text"] as? String,
      object["title"] == nil || object["title"] is String, object["documents"] == nil
    else { return }
    let body = encoded(object)
    switch Result(catching: { () throws(ServiceRequestError) in try ServiceRequest.documents(from: body) }) {
    case .success(let documents):
      Fuzz.expect(
        documents.count == 1 && Array(documents[0].id.utf8) == Array(id.utf8)
          && Array(documents[0].text.utf8) == Array(text.utf8),
        "Foundation's document reads as \(documents)")
    case .failure(let error):
      Fuzz.fail("Foundation's document \(String(decoding: body, as: UTF8.self).debugDescription) is refused: \(error)")
    }
  }

  static func checkStrings(_ bytes: [UInt8]) {
    let string = String(decoding: bytes, as: UTF8.self)

    let decoded = Result { () throws(ServiceRequestError) in try ServiceRequest.decodedPathSegment(string[...]) }
    if !string.utf8.contains(UInt8(ascii: "%")) {
      Fuzz.expect(decoded == .success(string), "a segment without '%' decodes to \(decoded)")
    }
    if case .failure(let error) = decoded { Fuzz.expect(error.status == 400, "a bad segment answers \(error.status)") }
    var encoded = ""
    for byte in string.utf8 {
      encoded += "%" + (byte < 0x10 ? "0" : "") + String(byte, radix: 16, uppercase: byte & 1 == 0)
    }
    let roundTrip = Result { () throws(ServiceRequestError) in try ServiceRequest.decodedPathSegment(encoded[...]) }
    Fuzz.expect(roundTrip == .success(string), "percent-encoded \(string.debugDescription) decodes to \(roundTrip)")
    let id = Result { () throws(ServiceRequestError) in try ServiceRequest.documentID(fromPathSegment: string[...]) }
    if case .success(let id) = id { Fuzz.expect(!id.isEmpty, "an empty id from a path") }

    let flag = Result { () throws(ServiceRequestError) in try ServiceRequest.replaceFlag(string[...]) }
    switch string {
    case "true": Fuzz.expect(flag == .success(true), "replace=true reads \(flag)")
    case "false": Fuzz.expect(flag == .success(false), "replace=false reads \(flag)")
    default: Fuzz.expect((try? flag.get()) == nil, "replace=\(string.debugDescription) reads \(flag)")
    }

    if let error = Result(catching: { () throws(ServiceRequestError) in try ServiceRequest.checkJSONContentType(string)
    })
    .failure {
      Fuzz.expect(error.status == 415, "a bad Content-Type answers \(error.status)")
    }

    if let token = ServiceRequest.bearerToken(fromAuthorization: string) {
      Fuzz.expect(!token.isEmpty, "an empty bearer token")
      // Headers are split into Characters: a token that starts with a combining
      // mark would join the space before it.
      if token.unicodeScalars.first!.isASCII {
        Fuzz.expect(
          ServiceRequest.bearerToken(fromAuthorization: "Bearer " + token) == token,
          "bearer token \(token.debugDescription) does not read back")
      }
    }

    let half = bytes.count / 2
    let (first, second) = (Array(bytes[..<half]), Array(bytes[half...]))
    Fuzz.expect(ServiceRequest.tokensMatch(first, first), "a token does not match itself")
    Fuzz.expect(ServiceRequest.tokensMatch(first, second) == (first == second), "tokensMatch is not equality")

    let quoted = ServiceRequest.quoted(string)
    Fuzz.expect(
      quoted.utf8.count >= 2 && quoted.utf8.first == UInt8(ascii: "\"") && quoted.utf8.last == UInt8(ascii: "\""),
      "quoted gives \(quoted)")
  }
}

extension Result {
  /// The error, if any.
  var failure: Failure? {
    if case .failure(let error) = self { return error }
    return nil
  }
}
