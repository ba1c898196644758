import NearDupCore
import Testing

@Suite("NewsCleaner")
struct NewsCleanerTests {
  func cleaned(_ text: String, _ options: CleaningOptions = [.datelines, .metadata]) -> String {
    var out: [UInt8] = []
    let bytes = Array(text.utf8)
    guard let count = bytes.withUnsafeBufferPointer({ NewsCleaner(options: options).clean($0, into: &out) }) else {
      return text
    }
    return String(decoding: out[0..<count], as: UTF8.self)
  }

  @Test(
    "datelines of wire stories are removed",
    arguments: zip(
      [
        "MOSCOW (AP) — Russia’s top diplomat", "PORTO, Portugal (Continental Press) — Heavy rain",
        "OSLO, Norway - Talks", "LISBON: The strike",
      ],
      ["Russia’s top diplomat", "Heavy rain", "Talks", "The strike"]))
  func datelines(text: String, expected: String) {
    #expect(cleaned(text) == expected)
  }

  @Test("metadata lines are removed, the story stays")
  func metadata() {
    let page = """
      2025-05-08 10:13:17source:Jonathan Dale Bentoncategory:Stocks
      By Lucia Szabo, Staff Writer
      Published 3 July 2025, 16:36 GMT
      MOSCOW (AP) — Russia’s top diplomat on Tuesday hosted his counterpart.
      """
    #expect(cleaned(page) == "Russia’s top diplomat on Tuesday hosted his counterpart.")
    #expect(cleaned(page, [.metadata]).hasPrefix("MOSCOW (AP)"))
    #expect(cleaned(page, [.datelines]).hasPrefix("2025-05-08"))
  }

  @Test("a metadata field after other colons marks the line, whatever its case")
  func metadataFieldAfterColons() {
    let page = "Scraped at 10:13:17 from Wire SOURCE:Continental Press\nThe strike ended.\nNote: prices rose."
    #expect(cleaned(page, [.metadata]) == "The strike ended.\nNote: prices rose.")
  }

  @Test("ordinary text is left alone")
  func ordinaryText() {
    for text in [
      "The U.S. economy grew faster than expected - economists said.", "By the end of the week the river had risen.",
      "NEW YORK, March 2 - Stocks rose.", "Prices fell 2% in 2024-25 as demand eased.",
    ] {
      #expect(cleaned(text) == text)
    }
  }

  @Test("cleaning makes copies with another dateline and byline identical")
  func copiesConverge() throws {
    let parameters = try SketchParameters()
    let shingler = Shingler(parameters)
    var first = DocumentSketcher(parameters: parameters)
    var second = DocumentSketcher(parameters: parameters)
    var signature = [UInt32](repeating: 0, count: 128)
    let a = "MOSCOW (AP) — Russia's top diplomat on Tuesday hosted his North Korean counterpart for talks."
    let b =
      "By Jane Roe\nBERLIN (NearWire) — Russia's top diplomat on Tuesday hosted his North Korean counterpart for talks."
    let keyA = Array(a.utf8).withUnsafeBufferPointer { text in
      signature.withUnsafeMutableBufferPointer { first.sketch(text, signature: $0) }
    }
    let keyB = Array(b.utf8).withUnsafeBufferPointer { text in
      signature.withUnsafeMutableBufferPointer { second.sketch(text, signature: $0) }
    }
    #expect(keyA.contentKey == keyB.contentKey)
    #expect(shingler.fingerprintSet(of: a) != shingler.fingerprintSet(of: b))
  }
}
