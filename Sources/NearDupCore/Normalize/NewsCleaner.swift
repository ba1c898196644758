/// Which parts of a news page are removed before tokenizing: the body is cleaned,
/// never the title. The default (`SketchParameters.default`) removes both.
public struct CleaningOptions: OptionSet, Hashable, Sendable, Codable {
  /// The options as bits: 1 datelines, 2 metadata.
  public let rawValue: UInt8
  /// Creates options from their bits.
  public init(rawValue: UInt8) { self.rawValue = rawValue }

  /// The dateline that opens a wire story: "MOSCOW (AP) — ", "PORTO, Portugal — ".
  public static let datelines = CleaningOptions(rawValue: 1)
  /// Metadata lines: scraped "…source:NAME…category:NAME" lines, bylines
  /// ("By Jane Roe, Staff Writer"), and date lines ("Published 3 July 2025, 16:36").
  public static let metadata = CleaningOptions(rawValue: 2)
}

/// Removes the parts of a news page that change from copy to copy of a story
/// without being the story: the dateline (another bureau or agency) and metadata
/// lines (another byline, date or category).
///
/// Rules, line by line (a line ends at "\n"; the title is not cleaned):
/// - metadata: a line of at most 200 bytes that contains "source:" or "category:"
///   (any case); a line of at most 80 bytes that is "By " followed by capitalized
///   words (and maybe ", Staff Writer"); a line of at most 100 bytes that starts with
///   a date ("2025-05-08", "Published …", "Updated …");
/// - dateline: at the start of the first line that has one, two or more uppercase
///   letters (the city, maybe with spaces, commas and a country), an optional
///   "(Agency)", and a dash (—, –, -) or colon; the prefix up to the dash and the
///   following space is removed.
///
/// - Complexity: O(b) for b bytes (`memchr` finds the line ends); writes into a
///   reusable buffer only when something is removed, and allocates nothing once
///   that buffer has grown.
package struct NewsCleaner: Sendable {
  /// What to remove.
  package var options: CleaningOptions

  /// Creates a cleaner.
  package init(options: CleaningOptions) {
    self.options = options
  }

  /// Cleans `text`. Returns nil when nothing is removed; else fills `out` with the
  /// cleaned text and returns its byte count.
  package func clean(_ text: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) -> Int? {
    guard !options.isEmpty, let base = text.baseAddress else { return nil }
    // Kept bytes are copied into `out` as each removal is found, so cleaning
    // allocates nothing once `out` has grown to the longest cleaned text.
    var removedAny = false
    var copied = 0  // bytes of `text` before this offset are in `out` or removed
    func remove(_ range: Range<Int>) {
      if !removedAny {
        out.removeAll(keepingCapacity: true)
        removedAny = true
      }
      out.append(contentsOf: text[copied..<range.lowerBound])
      copied = range.upperBound
    }
    var datelineDone = !options.contains(.datelines)
    var start = 0
    let n = text.count
    while start < n {
      let end = text.firstIndex(of: 0x0A, from: start) ?? n
      let line = UnsafeBufferPointer(start: base + start, count: end - start)
      if options.contains(.metadata) && Self.isMetadataLine(line) {
        remove(start..<min(n, end + 1))
      } else if !datelineDone, let length = Self.datelineLength(line) {
        remove(start..<start + length)
        datelineDone = true
      } else if !line.allSatisfy({ $0 == 0x20 || $0 == 0x0D || $0 == 0x09 }) {
        // The dateline opens the first line with text; later lines are the story.
        datelineDone = datelineDone || Self.startsParagraph(line)
      }
      start = end + 1
    }
    guard removedAny else { return nil }
    if copied < n { out.append(contentsOf: text[copied..<n]) }
    return out.count
  }

  /// Whether a non-blank line that is not a dateline ends the search for one: only
  /// the first paragraph can open with a dateline, but metadata lines before it
  /// (and the title's line) do not count.
  static func startsParagraph(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
    line.count > 120
  }

  /// Whether `line` is a metadata line.
  static func isMetadataLine(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
    if line.count <= 200 && hasMetadataField(line) { return true }
    if line.count <= 80 && startsWith(line, "By ") {
      // "By Jane Roe" or "By Jane Roe, Staff Writer": capitalized words only.
      var index = 3
      var words = 0
      while index < line.count {
        let byte = line[index]
        if byte == UInt8(ascii: ",") { break }
        if byte == 0x20 {
          index += 1
          continue
        }
        guard byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") || byte >= 0x80 else { return false }
        words += 1
        while index < line.count && line[index] != 0x20 && line[index] != UInt8(ascii: ",") { index += 1 }
      }
      return words >= 1 && words <= 5
    }
    if line.count <= 100 {
      if startsWith(line, "Published ") || startsWith(line, "Updated ") || startsWith(line, "Posted ") { return true }
      // YYYY-MM-DD
      if line.count >= 10 && (0..<4).allSatisfy({ isDigit(line[$0]) }) && line[4] == UInt8(ascii: "-")
        && isDigit(line[5]) && isDigit(line[6]) && line[7] == UInt8(ascii: "-") && isDigit(line[8]) && isDigit(line[9])
      {
        return true
      }
    }
    return false
  }

  /// The byte length of the dateline that opens `line`, including the dash and the
  /// space after it, or nil.
  static func datelineLength(_ line: UnsafeBufferPointer<UInt8>) -> Int? {
    var index = 0
    var uppercase = 0
    // The city: uppercase letters (ASCII or any non-ASCII letter byte), spaces,
    // periods, apostrophes and hyphens.
    while index < line.count && index < 60 {
      let byte = line[index]
      if byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") {
        uppercase += 1
      } else if byte >= 0x80 || byte == 0x20 || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "'") {
        // part of the city
      } else {
        break
      }
      index += 1
    }
    guard uppercase >= 2, index > 0 else { return nil }
    // ", Country" and "(Agency)" are optional.
    if index < line.count && line[index] == UInt8(ascii: ",") {
      index += 1
      while index < line.count && index < 90 && line[index] != UInt8(ascii: "(") && line[index] != 0xE2
        && line[index] != UInt8(ascii: "-") && line[index] != UInt8(ascii: ":")
      {
        let byte = line[index]
        guard
          byte == 0x20 || byte == UInt8(ascii: ".") || byte >= 0x80
            || byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")
            || byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")
        else { return nil }
        index += 1
      }
    }
    while index < line.count && line[index] == 0x20 { index += 1 }
    if index < line.count && line[index] == UInt8(ascii: "(") {
      while index < line.count && index < 120 && line[index] != UInt8(ascii: ")") { index += 1 }
      guard index < line.count else { return nil }
      index += 1
      while index < line.count && line[index] == 0x20 { index += 1 }
    }
    // The dash: — (E2 80 94), – (E2 80 93), - or :.
    if index + 2 < line.count && line[index] == 0xE2 && line[index + 1] == 0x80
      && (line[index + 2] == 0x94 || line[index + 2] == 0x93)
    {
      index += 3
    } else if index < line.count && (line[index] == UInt8(ascii: "-") || line[index] == UInt8(ascii: ":")) {
      index += 1
    } else {
      return nil
    }
    while index < line.count && line[index] == 0x20 { index += 1 }
    return index
  }

  private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

  private static func startsWith(_ line: UnsafeBufferPointer<UInt8>, _ prefix: StaticString) -> Bool {
    let count = prefix.utf8CodeUnitCount
    guard line.count >= count else { return false }
    let bytes = UnsafeBufferPointer(start: prefix.utf8Start, count: count)
    return (0..<count).allSatisfy { line[$0] == bytes[$0] }
  }

  /// Whether `line` contains "source:" or "category:", ASCII case-insensitively.
  /// - Complexity: O(line) — `memchr` from colon to colon, a fixed comparison at
  ///   each.
  private static func hasMetadataField(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
    var from = 0
    while let colon = line.firstIndex(of: UInt8(ascii: ":"), from: from) {
      if precedes(colon, in: line, "source") || precedes(colon, in: line, "category") { return true }
      from = colon + 1
    }
    return false
  }

  /// Whether the bytes just before `end` in `line` are `word` (lowercase ASCII),
  /// ASCII case-insensitively.
  private static func precedes(_ end: Int, in line: UnsafeBufferPointer<UInt8>, _ word: StaticString) -> Bool {
    let count = word.utf8CodeUnitCount
    guard end >= count else { return false }
    let bytes = UnsafeBufferPointer(start: word.utf8Start, count: count)
    return (0..<count).allSatisfy { line[end - count + $0] | 0x20 == bytes[$0] }
  }
}
