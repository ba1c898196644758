import NearDupCore
import Testing

@Suite("DocumentBatch")
struct DocumentBatchTests {
  func preview(_ text: String) -> String {
    var copy = text
    return copy.withUTF8 { DocumentBatch.preview($0) }
  }

  @Test("a preview is the first non-blank line with its whitespace collapsed")
  func firstLine() {
    #expect(preview("\n \t\n  North Korea's \t top  diplomat\r\nsecond line") == "North Korea's top diplomat")
    #expect(preview("") == "")
    #expect(preview(" \n\t ") == "")
  }

  @Test("a long line is cut at about previewLength bytes, never inside a character")
  func cutAtCharacterBoundary() {
    let limit = DocumentBatch.previewLength
    let ascii = String(repeating: "a", count: limit + 40)
    #expect(preview(ascii) == String(repeating: "a", count: limit))
    // "é" is two bytes: the cut falls after the character that crosses the limit.
    let accented = String(repeating: "a", count: limit - 1) + "éé"
    #expect(preview(accented) == String(repeating: "a", count: limit - 1) + "é")
    // A space at the limit is dropped rather than kept as a trailing space.
    let words = String(repeating: "a", count: limit) + " next"
    #expect(preview(words) == String(repeating: "a", count: limit))
  }
}
