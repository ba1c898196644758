import Foundation
@testable import NearDupCore
import Testing

@Suite("JSONLineScanner")
struct JSONLineScannerTests {
  /// Scans `line` for id, text and title; strings and numbers come back decoded.
  /// Where the processor has the AVX-512 string copy, the line is scanned both with
  /// and without it, and the two must give the same values or the same error.
  func scan(_ line: String) throws(JSONSyntaxError) -> [String?] {
    let keys = ["id", "text", "title"]
    var scalar = JSONLineScanner(keys: keys, copiesWithVectors: false)
    let scalarResult = Result { () throws(JSONSyntaxError) in try scan(line, with: &scalar) }
    guard JSONLineScanner.vectorCopyAvailable else { return try scalarResult.get() }
    var vector = JSONLineScanner(keys: keys, copiesWithVectors: true)
    let vectorResult = Result { () throws(JSONSyntaxError) in try scan(line, with: &vector) }
    #expect(vectorResult == scalarResult, "vector and scalar copies disagree on \(line.prefix(80))")
    return try vectorResult.get()
  }

  /// Scans `line` with `scanner`, as `scan(_:)` does with a new one.
  func scan(_ line: String, with scanner: inout JSONLineScanner) throws(JSONSyntaxError) -> [String?] {
    let bytes = Array(line.utf8)
    try bytes.withUnsafeBufferPointer { (bytes) throws(JSONSyntaxError) in try scanner.scan(bytes) }
    return scanner.values.map { value in
      switch value {
      case .string(let range), .number(let range): String(decoding: scanner.decoded[range], as: UTF8.self)
      case .missing: nil
      case .null: "<null>"
      case .other(let kind): "<\(kind)>"
      }
    }
  }

  @Test("wanted fields are decoded and others skipped, whatever their order and type")
  func fields() throws {
    let line =
      #"{"meta": {"a": [1, 2.5e3, true, null, {"b": "}"}]}, "title": "T", "id": 17, "text": "body", "x": -0.5}"#
    #expect(try scan(line) == ["17", "body", "T"])
    #expect(try scan(#" { "text" : "" } "#) == [nil, "", nil])
    #expect(try scan("{}") == [nil, nil, nil])
    #expect(try scan(#"{"id": "a", "text": null, "title": false}"#) == ["a", "<null>", "<false>"])
    #expect(try scan(#"{"id": {"x": 1}, "text": [1]}"#) == ["<an object>", "<an array>", nil])
  }

  @Test("a reused scanner reports each line's own fields, after a valid or a malformed line")
  func reuse() throws {
    var scanner = JSONLineScanner(keys: ["id", "text", "title"])
    #expect(try scan(#"{"id": "a", "text": "first body", "title": "T"}"#, with: &scanner) == ["a", "first body", "T"])
    #expect(try scan(#"{"text": "second"}"#, with: &scanner) == [nil, "second", nil])
    #expect(throws: JSONSyntaxError.self) { try scan(#"{"id": 5, "title": "X", "text": }"#, with: &scanner) }
    #expect(try scan(#"{"id": 7, "text": "third"}"#, with: &scanner) == ["7", "third", nil])
  }

  @Test("escapes decode to UTF-8, surrogate pairs included; lone surrogates become U+FFFD")
  func escapes() throws {
    #expect(try scan(#"{"text": "a\"b\\c\/d\n\t\u00e9\u20AC\ud83d\ude00"}"#)[1] == "a\"b\\c/d\n\té€😀")
    #expect(try scan(#"{"text": "x\ud800y\udc00z"}"#)[1] == "x\u{FFFD}y\u{FFFD}z")
    #expect(try scan(#"{"text": "Korea’s"}"#)[1] == "Korea’s")
  }

  @Test("escaped field names match their plain spelling")
  func escapedKey() throws {
    #expect(try scan(#"{"t\u0065xt": "body"}"#)[1] == "body")
  }

  @Test(
    "malformed lines are rejected with a message and a column",
    arguments: [
      (#"{"id": "a", "text": "b""#, "expected ',' or '}' after the value of \"text\"", 24),
      (#"{"id": "a" "text": "b"}"#, "expected ',' or '}' after the value of \"id\"", 12),
      (#"{"t\u0065xt": "b" "x"}"#, "expected ',' or '}' after the value of \"text\"", 19),
      (#"{"id" "a"}"#, "expected ':' after field name \"id\"", 7),
      (#"["id"]"#, "expected a JSON object ('{')", 1),
      (#"{"text": "unterminated}"#, "unterminated string", 24),
      (#"{"text": "bad \x escape"}"#, "invalid escape \\'x'", 16),
      (#"{"text": "a"} trailing"#, "unexpected text after the JSON object", 15),
      (#"{"text": 01}"#, "expected ',' or '}' after the value of \"text\"", 11),
      (#"{"text": tru}"#, "invalid literal (expected true)", 10),
      (#"{"id": 1, "id": 2, "text": "x"}"#, "field \"id\" appears twice", 17),
      (#"{"a": [1, 2,], "text": "x"}"#, "unexpected character ']'", 13),
      (#"{"text": "\u12G4"}"#, "invalid \\u escape: four hex digits expected", 15),
      ("   ", "empty record", 4),
    ])
  func malformed(line: String, message: String, column: Int) {
    #expect(throws: JSONSyntaxError(message: message, column: column)) { try scan(line) }
  }

  @Test("long strings decode exactly with a quote, backslash, escape or control character at any offset")
  func specialAtEveryOffset() throws {
    // Offsets on both sides of the 64-byte blocks of the vector copy and the 16- and
    // 8-byte steps of the scalar scan.
    for offset in 0..<150 {
      let before = String(repeating: "a", count: offset)
      let after = String(repeating: "b", count: 150 - offset)
      for special in ["\"", "\\", "\n", "é", "\u{1F}"] {
        let text = before + special + after
        let encoded = String(decoding: try JSONEncoder().encode(["text": text]), as: UTF8.self)
        #expect(try scan(encoded)[1] == text)
      }
      // Unescaped, the control character is reported at its column.
      let raw = "{\"text\": \"" + before + "\u{01}" + after + "\"}"
      #expect(
        throws: JSONSyntaxError(message: "unescaped control character (byte 0x1) in a string", column: 11 + offset)
      ) {
        try scan(raw)
      }
    }
  }

  @Test("random records of up to 4 KB decode to their strings, one scanner reused for all")
  func randomRecords() throws {
    var random = SplitMix64(seed: 42)
    let pieces = ["word ", "Wire", " ", "\n\n", "\"", "\\", "/", "\t", "é", "—", "🙂", "日本", "\u{01}", "\u{7F}", "x"]
    let keys = ["id", "text", "title"]
    var scalar = JSONLineScanner(keys: keys, copiesWithVectors: false)
    var vector = JSONLineScanner.vectorCopyAvailable ? JSONLineScanner(keys: keys, copiesWithVectors: true) : nil
    for round in 0..<300 {
      var text = ""
      let target = Int(random.next() % 4_000)
      while text.utf8.count < target {
        // Mostly plain runs of varying length, with an occasional special piece.
        if random.next() % 4 == 0 {
          text += pieces[Int(random.next() % UInt64(pieces.count))]
        } else {
          text += String(repeating: "ab", count: Int(random.next() % 70))
        }
      }
      let title = String(text.prefix(Int(random.next() % 90)))
      let record: [String: String] = [
        "id": "doc-\(round)", "title": title, "text": text, "source": text.suffix(50) + "…",
      ]
      let line = String(decoding: try JSONEncoder().encode(record), as: UTF8.self)
      let expected: [String?] = ["doc-\(round)", text, title]
      #expect(try scan(line, with: &scalar) == expected)
      if vector != nil { #expect(try scan(line, with: &vector!) == expected) }
    }
  }

  @Test("control characters inside strings are rejected")
  func controlCharacters() {
    #expect(throws: JSONSyntaxError.self) { try scan("{\"text\": \"a\u{01}b\"}") }
    #expect(throws: JSONSyntaxError.self) { try scan("{\"other\": \"a\u{00}b\", \"text\": \"x\"}") }
  }

  @Test("nesting deeper than the limit is an error, not a crash")
  func deepNesting() {
    let deep =
      "{\"a\": " + String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000) + ", \"text\": \"x\"}"
    #expect(throws: JSONSyntaxError.self) { try scan(deep) }
  }
}
