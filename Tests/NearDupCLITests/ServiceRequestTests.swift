import Foundation
import NearDupCore
import Testing

@testable import NearDupCLI

/// Decodes `text` with `decode`, returning the error message (nil on success).
private func message<T>(_ text: String, _ decode: ([UInt8]) throws(ServiceRequestError) -> T) -> String? {
  do {
    _ = try decode(Array(text.utf8))
    return nil
  } catch {
    return error.message
  }
}

extension ServiceTests {
  /// The pure request decoding and access rules, without a server (nested in
  /// `ServiceTests` so that `--filter ServiceTests` runs them too).
  @Suite("ServiceRequest and ServiceAccess")
  struct RequestDecoding {
    // MARK: Query bodies

    @Test("a query body with every field, and with only text")
    func queryFields() throws {
      let full = try ServiceRequest.query(
        from: Array(
          #"{"text": "body", "title": "Head", "threshold": 0.5, "top": 3, "exact": true, "other": [1, {"x": null}]}"#
            .utf8))
      #expect(full == QueryRequest(text: "body", title: "Head", threshold: 0.5, top: 3, exact: true))
      #expect(full.sketchedText == "Head\nbody")
      let minimal = try ServiceRequest.query(from: Array(#" {"text": "body", "title": null, "top": null} "#.utf8))
      #expect(minimal == QueryRequest(text: "body"))
      #expect(minimal.sketchedText == "body")
      #expect(try ServiceRequest.query(from: Array(#"{"text": "x", "top": 2.0}"#.utf8)).top == 2)
      #expect(try ServiceRequest.query(from: Array(#"{"text": "x", "threshold": 1}"#.utf8)).threshold == 1)
    }

    @Test("query fields out of range or of the wrong type are named")
    func queryErrors() {
      let cases: [(String, String)] = [
        (#"{"title": "t"}"#, "missing field \"text\""),
        (#"{"text": 3}"#, "field \"text\" must be a string (found a number)"),
        (#"{"text": "x", "threshold": 0}"#, "threshold must be in (0, 1] (got 0)"),
        (#"{"text": "x", "threshold": 1.5}"#, "threshold must be in (0, 1] (got 1.5)"),
        (#"{"text": "x", "threshold": 1e999}"#, "threshold must be in (0, 1] (got 1e999)"),
        (#"{"text": "x", "threshold": "0.5"}"#, "field \"threshold\" must be a number (found a string)"),
        (#"{"text": "x", "top": 0}"#, "top must be a whole number of at least 1 (got 0)"),
        (#"{"text": "x", "top": 2.5}"#, "top must be a whole number of at least 1 (got 2.5)"),
        (#"{"text": "x", "top": 1e300}"#, "top must be a whole number of at least 1 (got 1e300)"),
        (#"{"text": "x", "exact": 1}"#, "field \"exact\" must be true or false (found a number)"),
        ("[]", "body must be a JSON object (found an array)"),
        ("42", "body must be a JSON object (found a number)"),
        ("null", "body must be a JSON object (found null)"),
        ("", "empty body; expected a JSON object"),
        ("  \n", "malformed JSON body: no value"),
      ]
      for (body, expected) in cases {
        #expect(message(body, ServiceRequest.query) == expected, "\(body)")
      }
    }

    // MARK: Document bodies

    @Test("one document, a batch, numeric ids as written")
    func documents() throws {
      #expect(
        try ServiceRequest.documents(from: Array(#"{"id": "a", "text": "x", "title": "T", "url": "ignored"}"#.utf8))
          == [Document(id: "a", title: "T", text: "x")])
      #expect(
        try ServiceRequest.documents(from: Array(#"{"id": 42, "text": "x"}"#.utf8)) == [
          Document(id: "42", text: "x")
        ])
      #expect(try ServiceRequest.documents(from: Array(#"{"id": -1.50e3, "text": "x"}"#.utf8)).first?.id == "-1.50e3")
      let batch = try ServiceRequest.documents(
        from: Array(#"{"documents": [{"id": "a", "text": "x"}, {"id": 7, "text": "y", "title": null}]}"#.utf8))
      #expect(batch == [Document(id: "a", text: "x"), Document(id: "7", text: "y")])
    }

    @Test("document errors name the field and its place in a batch")
    func documentErrors() {
      let cases: [(String, String)] = [
        (#"{"id":"a","id":"b","text":"x"}"#, "duplicate field \"id\" (at offset 10)"),
        (#"{"text": "x"}"#, "missing field \"id\""),
        (#"{"id": "a"}"#, "missing field \"text\""),
        (#"{"id": "", "text": "x"}"#, "field \"id\" is empty"),
        (#"{"id": true, "text": "x"}"#, "field \"id\" is a boolean; ids must be strings or numbers"),
        (#"{"id": null, "text": "x"}"#, "field \"id\" is null; ids must be strings or numbers"),
        (#"{"id": {}, "text": "x"}"#, "field \"id\" is an object; ids must be strings or numbers"),
        (#"{"id": "a", "text": null}"#, "field \"text\" must be a string (found null)"),
        (#"{"id": "a", "text": "x", "title": 5}"#, "field \"title\" must be a string (found a number)"),
        (#"{"documents": []}"#, "no documents given"),
        (#"{"documents": {"id": "a"}}"#, "field \"documents\" must be an array of documents (found an object)"),
        (#"{"documents": [{"id": "a", "text": "x"}, "b"]}"#, "documents[1] must be a JSON object (found a string)"),
        (#"{"documents": [{"id": "a", "text": "x"}, {"id": "b"}]}"#, "missing field \"documents[1].text\""),
        (
          #"{"documents": [{"id": "a", "text": "x"}, {"id": false, "text": "y"}]}"#,
          "field \"documents[1].id\" is a boolean; ids must be strings or numbers"
        ),
        (
          #"{"documents": [{"id": "a", "text": "x"}, {"id": "a", "text": "y"}]}"#,
          "id \"a\" appears twice in the request"
        ),
        (
          #"{"documents": [{"id": "1", "text": "x"}, {"id": 1, "text": "y"}]}"#, "id \"1\" appears twice in the request"
        ),
        (
          #"{"documents": [{"id": "a", "text": "x"}], "id": "b", "text": "y"}"#,
          "a body holds either \"documents\" or one document's \"id\" and \"text\", not both"
        ),
        (
          #"{"documents": [{"id": "a", "text": "x", "text": "y"}]}"#,
          "duplicate field \"documents[0].text\" (at offset 40)"
        ),
        (#"[{"id": "a", "text": "x"}]"#, "body must be a JSON object (found an array)"),
        ("true", "body must be a JSON object (found a boolean)"),
      ]
      for (body, expected) in cases {
        #expect(message(body, ServiceRequest.documents) == expected, "\(body)")
      }
    }

    // MARK: JSON syntax

    @Test("strings: escapes, surrogate pairs, UTF-8 as is")
    func strings() throws {
      let text = try ServiceRequest.query(
        from: Array(#"{"text": "a\"b\\c\/d\b\f\n\r\t\u00e9\uD83D\uDE00 Zürich"}"#.utf8)
      ).text
      #expect(text == "a\"b\\c/d\u{8}\u{C}\n\r\té😀 Zürich")
      // A byte order mark is skipped.
      #expect(try ServiceRequest.query(from: [0xEF, 0xBB, 0xBF] + Array(#"{"text": "x"}"#.utf8)).text == "x")
    }

    @Test("malformed JSON is a 400 naming the problem, the field and the offset")
    func syntaxErrors() {
      let cases: [(String, String)] = [
        (#"{"text": "#, "malformed JSON body: unexpected end of input in field \"text\" at offset 9"),
        (#"{"text": "abc"#, "malformed JSON body: unterminated string in field \"text\" at offset 13"),
        (#"{"text": "x",}"#, "malformed JSON body: expected a field name in double quotes at offset 13"),
        (#"{"text" "x"}"#, "malformed JSON body: expected ':' after a field name at offset 8"),
        (#"{"text": "x"} x"#, "malformed JSON body: unexpected data after the JSON value at offset 14"),
        (#"{"text": 'x'}"#, "malformed JSON body: unexpected character ''' in field \"text\" at offset 9"),
        (#"{"text": tru}"#, "malformed JSON body: unexpected character 't' in field \"text\" at offset 9"),
        (#"{"text": "x", "top": 01}"#, "malformed JSON body: number with a leading zero in field \"top\" at offset 22"),
        (#"{"text": "x", "top": 1.}"#, "malformed JSON body: expected a digit after '.' in field \"top\" at offset 23"),
        (#"{"text": "x", "top": -}"#, "malformed JSON body: expected a digit in field \"top\" at offset 22"),
        (
          #"{"text": "x", "top": 1e}"#,
          "malformed JSON body: expected a digit in the exponent in field \"top\" at offset 23"
        ),
        (#"{"text": "\x"}"#, "malformed JSON body: invalid escape \\x in field \"text\" at offset 11"),
        (
          #"{"text": "\u12"}"#,
          "malformed JSON body: \\u must be followed by four hex digits in field \"text\" at offset 14"
        ),
        (#"{"text": "\uD800"}"#, "malformed JSON body: unpaired surrogate \\uD800 in field \"text\" at offset 16"),
        (#"{"text": "\uDC00"}"#, "malformed JSON body: unpaired surrogate \\uDC00 in field \"text\" at offset 16"),
        (
          #"{"text": "\uD800\u0041"}"#, "malformed JSON body: unpaired surrogate \\uD800 in field \"text\" at offset 22"
        ),
        (
          "{\"text\": \"a\tb\"}",
          "malformed JSON body: control character 0x09 in a string (escape it) in field \"text\" at offset 11"
        ),
        (
          #"{"text": [1, 2 3]}"#,
          "malformed JSON body: expected ',' or ']' after an array element in field \"text\" at offset 15"
        ),
        (
          #"{"documents": [{"id": "a" "text": "x"}]}"#,
          "malformed JSON body: expected ',' or '}' after a field in field \"documents[0]\" at offset 26"
        ),
      ]
      for (body, expected) in cases {
        #expect(message(body, ServiceRequest.query) == expected, "\(body)")
      }
      #expect(
        message(
          "{\"text\": \"\u{FF}\"}",
          { body throws(ServiceRequestError) in
            try ServiceRequest.query(from: Array(body.prefix(10)) + [0xFF, 0x22, 0x7D])
          }) == "malformed JSON body: string is not valid UTF-8 in field \"text\" at offset 12")
      #expect(
        message("{\"a\": \u{0}}", ServiceRequest.query)
          == "malformed JSON body: unexpected character 0x00 in field \"a\" at offset 6")
    }

    @Test("nesting deeper than the limit is refused, not followed")
    func nesting() {
      let depth = ServiceRequest.maximumDepth
      let deep =
        "{\"text\": \"x\", \"n\": " + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "}"
      #expect(message(deep, ServiceRequest.query) == "malformed JSON body: nested deeper than \(depth) levels")
      let allowed =
        "{\"text\": \"x\", \"n\": " + String(repeating: "[", count: depth - 2)
        + String(repeating: "]", count: depth - 2) + "}"
      #expect(message(allowed, ServiceRequest.query) == nil)
      #expect(message(String(repeating: "[", count: 100_000), ServiceRequest.documents) != nil)
    }

    @Test("random and mutated bodies are answered, never trapped on", arguments: [1, 2, 3, 4])
    func robustness(seed: UInt64) {
      var random = SplitMix64(seed: seed)
      let seeds = [
        #"{"documents": [{"id": "a", "text": "x\u00e9\uD83D\uDE00", "title": null}, {"id": 1e3, "text": "y"}]}"#,
        #"{"text": "q", "title": "t", "threshold": 0.25, "top": 10, "exact": false}"#,
      ].map { Array($0.utf8) }
      let alphabet =
        Array(#"{}[]:,"\/ubfnrt0123456789-+.eE truefalsenull"#.utf8) + [0x00, 0x1F, 0x7F, 0x80, 0xC3, 0xED, 0xFF]
      for round in 0..<2000 {
        var body = seeds[round % seeds.count]
        for _ in 0..<Int.random(in: 1...6, using: &random) {
          let position = Int.random(in: 0...body.count, using: &random)
          switch Int.random(in: 0..<3, using: &random) {
          case 0 where position < body.count: body.remove(at: position)
          case 1 where position < body.count: body[position] = alphabet.randomElement(using: &random)!
          default: body.insert(alphabet.randomElement(using: &random)!, at: position)
          }
        }
        _ = try? ServiceRequest.documents(from: body)
        _ = try? ServiceRequest.query(from: body)
        let segment = String(decoding: body.prefix(40), as: UTF8.self)
        _ = try? ServiceRequest.decodedPathSegment(segment[...])
        try? ServiceRequest.checkJSONContentType(segment)
        _ = ServiceRequest.bearerToken(fromAuthorization: segment)
      }
    }

    // MARK: Paths and headers

    @Test("path segments are percent-decoded")
    func pathSegments() throws {
      let cases = [
        ("news%2F2025%2F05%2Fa%20b", "news/2025/05/a b"), ("plain-id", "plain-id"), ("a+b", "a+b"),
        ("Z%C3%BCrich", "Zürich"), ("%2f%2F", "//"), ("%25", "%"), ("", ""),
      ]
      for (raw, decoded) in cases {
        #expect(try ServiceRequest.decodedPathSegment(raw[...]) == decoded, "\(raw)")
      }
      for raw in ["%", "%2", "a%g0", "%%20"] {
        #expect(throws: ServiceRequestError.self, "\(raw)") { try ServiceRequest.decodedPathSegment(raw[...]) }
      }
      #expect(throws: ServiceRequestError.badRequest("path segment \"%C3\" is not UTF-8 once percent-decoded")) {
        try ServiceRequest.decodedPathSegment("%C3")
      }
      #expect(throws: ServiceRequestError.badRequest("empty document id in the path")) {
        try ServiceRequest.documentID(fromPathSegment: "")
      }
      #expect(try ServiceRequest.replaceFlag(nil) == false)
      #expect(try ServiceRequest.replaceFlag("true") == true)
      #expect(throws: ServiceRequestError.self) { try ServiceRequest.replaceFlag("1") }
    }

    @Test("Content-Type must be application/json, with any parameters and case")
    func contentTypes() {
      for accepted in [
        "application/json", "APPLICATION/JSON", "application/json; charset=utf-8",
        " application/json ;charset=\"UTF-8\"", "application/json; foo=bar",
      ] {
        #expect(throws: Never.self, "\(accepted)") { try ServiceRequest.checkJSONContentType(accepted) }
      }
      for refused in [
        nil, "", "text/plain", "application/jsonp", "application/x-www-form-urlencoded", "multipart/form-data",
        "application/json; charset=iso-8859-1", "text/json",
      ] {
        #expect(throws: ServiceRequestError.self, "\(String(describing: refused))") {
          try ServiceRequest.checkJSONContentType(refused)
        }
        do {
          try ServiceRequest.checkJSONContentType(refused)
        } catch {
          #expect(error.status == 415)
        }
      }
    }

    @Test("bearer tokens: the scheme is case-insensitive; comparison needs every byte")
    func bearerTokens() {
      #expect(ServiceRequest.bearerToken(fromAuthorization: "Bearer abc") == "abc")
      #expect(ServiceRequest.bearerToken(fromAuthorization: "bearer   abc ") == "abc")
      #expect(ServiceRequest.bearerToken(fromAuthorization: "Basic abc") == nil)
      #expect(ServiceRequest.bearerToken(fromAuthorization: "Bearer") == nil)
      #expect(ServiceRequest.bearerToken(fromAuthorization: nil) == nil)
      let token = Array("s3cret".utf8)
      #expect(ServiceRequest.tokensMatch("s3cret".utf8, token))
      for wrong in ["s3creT", "s3cre", "s3crett", "", "t3cret"] {
        #expect(!ServiceRequest.tokensMatch(wrong.utf8, token), "\(wrong)")
      }
    }

    @Test("Host headers and origins")
    func access() throws {
      #expect(ServiceAccess.hostName(fromHostHeader: "Example.org:8080") == "example.org")
      #expect(ServiceAccess.hostName(fromHostHeader: "[::1]:8080") == "::1")
      #expect(ServiceAccess.hostName(fromHostHeader: "[::1]") == "::1")
      #expect(ServiceAccess.hostName(fromHostHeader: "a:b:c") == nil)
      #expect(ServiceAccess.hostName(fromHostHeader: "[::1]x") == nil)
      #expect(ServiceAccess.hostName(fromHostHeader: ":80") == nil)
      let loopback = ServiceAccess(listenHost: "::1", extraHosts: ["NearDup.internal"])
      #expect(loopback.allowedHosts == ["localhost", "127.0.0.1", "::1", "neardup.internal"])
      #expect(throws: Never.self) { try loopback.checkHost("neardup.internal:80") }
      #expect(throws: ServiceRequestError.self) { try loopback.checkHost("evil.example") }
      #expect(ServiceAccess(listenHost: "0.0.0.0").allowedHosts == nil)
      #expect(ServiceAccess.isOrigin("http://localhost:3000"))
      #expect(ServiceAccess.isOrigin("null"))
      #expect(!ServiceAccess.isOrigin("localhost:3000"))
      #expect(!ServiceAccess.isOrigin("http://localhost:3000/path"))
      let origins = ServiceAccess(listenHost: "127.0.0.1", allowedOrigins: ["HTTP://LocalHost:3000/"])
      #expect(try origins.checkOrigin("http://localhost:3000") == "http://localhost:3000")
      #expect(try origins.checkOrigin(nil) == nil)
      #expect(
        throws: ServiceRequestError(
          status: 403,
          message: "origin \"http://localhost:3001\" is not allowed (start the service with --allow-origin to allow it)"
        )
      ) {
        try origins.checkOrigin("http://localhost:3001")
      }
    }

    // MARK: Token sources

    @Test("the token comes from the file, else NEARDUP_TOKEN; bad files are startup errors naming them")
    func tokenSources() throws {
      let scratch = try TemporaryDirectory()
      let file = try scratch.write("token", "  s3cret-token\n")
      #expect(try NearDup.Serve.token(file: file, environment: ["NEARDUP_TOKEN": "other"]) == "s3cret-token")
      #expect(try NearDup.Serve.token(file: nil, environment: ["NEARDUP_TOKEN": "env-token\n"]) == "env-token")
      #expect(try NearDup.Serve.token(file: nil, environment: [:]) == nil)
      let missing = scratch.file("missing")
      #expect(throws: ServiceSetupError.missingTokenFile(path: missing)) {
        try NearDup.Serve.token(file: missing, environment: [:])
      }
      #expect(ServiceSetupError.missingTokenFile(path: missing).description == "\(missing): no such token file")
      let empty = try scratch.write("empty", "\n \n")
      #expect(throws: ServiceSetupError.emptyToken(source: empty)) {
        try NearDup.Serve.token(file: empty, environment: [:])
      }
      #expect(throws: ServiceSetupError.emptyToken(source: "$NEARDUP_TOKEN")) {
        try NearDup.Serve.token(file: nil, environment: ["NEARDUP_TOKEN": ""])
      }
      let spaced = try scratch.write("spaced", "two words\n")
      #expect(throws: ServiceSetupError.malformedToken(source: spaced)) {
        try NearDup.Serve.token(file: spaced, environment: [:])
      }
      // A directory cannot be read as a token file.
      #expect(throws: ServiceSetupError.self) { try NearDup.Serve.token(file: scratch.path, environment: [:]) }
      do {
        _ = try NearDup.Serve.token(file: scratch.path, environment: [:])
      } catch {
        #expect(error.description.hasPrefix("\(scratch.path): cannot read the token file: "))
      }
    }
  }
}
