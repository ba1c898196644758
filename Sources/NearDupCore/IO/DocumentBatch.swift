/// Where a document came from: its input and its 1-based line (0 for a document
/// that is a whole file).
package struct DocumentLocation: Sendable, Hashable {
  /// Index of the input in the reader's `inputs`.
  public var input: Int32
  /// The 1-based line, or 0 for a whole-file document.
  public var line: Int32
  /// For documents of a directory, the index of the file in its sorted listing.
  public var file: Int32

  /// Creates a location.
  public init(input: Int32, line: Int32, file: Int32 = 0) {
    self.input = input
    self.line = line
    self.file = file
  }
}

/// A batch of documents read from a corpus: their text stored back to back, ids,
/// short previews for reports, and where each came from.
///
/// The reader refills one batch again and again, so reading allocates only while the
/// batch grows to its largest size.
///
/// - Invariant: `ids`, `previews`, `locations` and `contentEnds` all have `count`
///   elements; `contentEnds` is non-decreasing and ends at `content.count`.
package struct DocumentBatch: Sendable {
  /// The text to shingle of every document (title, a newline, then the body).
  package internal(set) var content: [UInt8] = []
  /// End offset of each document's text in `content`.
  package internal(set) var contentEnds: [Int] = []
  /// Bytes of each document's text that are its title (0 without one); the title
  /// is followed by a line break, then the body.
  package internal(set) var titleLengths: [Int] = []
  /// Document ids.
  package internal(set) var ids: [String] = []
  /// Start of each title (or first line), for reports; empty strings without
  /// `keepsPreviews`.
  package internal(set) var previews: [String] = []
  /// Whether `append` makes each document's preview: off when no report shows them,
  /// which saves a string per document.
  var keepsPreviews = true
  /// Where each document came from.
  package internal(set) var locations: [DocumentLocation] = []
  /// Each document's label, with `CorpusOptions.labelField` ("" when it has none).
  package internal(set) var labels: [String] = []
  /// Bytes of input consumed for this batch (records, line ends, skipped lines).
  package internal(set) var inputByteCount = 0
  /// With `CorpusReader.keepsRecords`: each document's original record, back to back
  /// — the JSON line or text line exactly as read, or for a whole-file document a
  /// JSON object `{"id": …, "text": …}`. Empty otherwise.
  package internal(set) var records: [UInt8] = []
  /// End offset of each document's record in `records` (with `keepsRecords`).
  package internal(set) var recordEnds: [Int] = []

  /// Creates an empty batch.
  package init() {}

  /// The number of documents.
  package var count: Int { ids.count }

  /// The range of document `index`'s text in `content`.
  /// - Complexity: O(1).
  package func contentRange(of index: Int) -> Range<Int> {
    (index == 0 ? 0 : contentEnds[index - 1])..<contentEnds[index]
  }

  /// The range of document `index`'s title in `content`, if it has one.
  package func titleRange(of index: Int) -> Range<Int>? {
    let start = index == 0 ? 0 : contentEnds[index - 1]
    return titleLengths[index] > 0 ? start..<start + titleLengths[index] : nil
  }

  /// The range of document `index`'s body in `content` (after the title's line break).
  package func bodyRange(of index: Int) -> Range<Int> {
    let start = index == 0 ? 0 : contentEnds[index - 1]
    return (titleLengths[index] > 0 ? start + titleLengths[index] + 1 : start)..<contentEnds[index]
  }

  /// The title (if any) and body of document `index` as views into `content`, the
  /// bytes of this batch's `content`.
  /// - Complexity: O(1).
  package func titleAndBody(of index: Int, in content: UnsafeBufferPointer<UInt8>)
    -> (title: UnsafeBufferPointer<UInt8>?, body: UnsafeBufferPointer<UInt8>)
  {
    (
      titleRange(of: index).map { UnsafeBufferPointer(rebasing: content[$0]) },
      UnsafeBufferPointer(rebasing: content[bodyRange(of: index)])
    )
  }

  /// Empties the batch, keeping its capacity.
  package mutating func removeAll() {
    content.removeAll(keepingCapacity: true)
    contentEnds.removeAll(keepingCapacity: true)
    titleLengths.removeAll(keepingCapacity: true)
    ids.removeAll(keepingCapacity: true)
    previews.removeAll(keepingCapacity: true)
    locations.removeAll(keepingCapacity: true)
    labels.removeAll(keepingCapacity: true)
    inputByteCount = 0
  }

  /// The batch without its text and records: ids, previews, locations and labels
  /// only, sharing their storage. The text's buffer stays with `self`, uniquely
  /// referenced, so that the next `removeAll` keeps its capacity.
  /// - Complexity: O(1).
  func withoutText() -> DocumentBatch {
    var copy = self
    copy.content = []
    copy.contentEnds = []
    copy.titleLengths = []
    copy.records = []
    copy.recordEnds = []
    return copy
  }

  /// The range of document `index`'s record in `records`.
  /// - Precondition: the batch was read with `keepsRecords`.
  package func recordRange(of index: Int) -> Range<Int> {
    (index == 0 ? 0 : recordEnds[index - 1])..<recordEnds[index]
  }

  mutating func removeAllRecords() {
    records.removeAll(keepingCapacity: true)
    recordEnds.removeAll(keepingCapacity: true)
  }

  mutating func appendRecord(_ bytes: UnsafeBufferPointer<UInt8>) {
    records.append(contentsOf: bytes)
    recordEnds.append(records.count)
  }

  /// Appends `{"id": id, "text": body}` as the record of a document that was not a
  /// JSON line; invalid UTF-8 in the body becomes U+FFFD.
  mutating func appendSynthesizedRecord(id: String, body: UnsafeBufferPointer<UInt8>) {
    records.append(contentsOf: Array(#"{"id": "#.utf8))
    appendJSONString(id, to: &records)
    records.append(contentsOf: Array(#", "text": "#.utf8))
    appendJSONString(String(decoding: body, as: UTF8.self), to: &records)
    records.append(UInt8(ascii: "}"))
    recordEnds.append(records.count)
  }

  /// Appends one document whose text is `title` (if any and non-empty), a newline,
  /// and `body`.
  mutating func append(
    id: String, title: UnsafeBufferPointer<UInt8>?, body: UnsafeBufferPointer<UInt8>, location: DocumentLocation,
    label: String = ""
  ) {
    labels.append(label)
    if let title, !title.isEmpty {
      content.append(contentsOf: title)
      content.append(0x0A)
      previews.append(keepsPreviews ? Self.preview(title) : "")
      titleLengths.append(title.count)
    } else {
      previews.append(keepsPreviews ? Self.preview(body) : "")
      titleLengths.append(0)
    }
    content.append(contentsOf: body)
    contentEnds.append(content.count)
    ids.append(id)
    locations.append(location)
  }

  /// The longest preview kept, in bytes.
  package static let previewLength = 80

  /// The first non-blank line of `text`, whitespace collapsed, cut to about
  /// `previewLength` bytes at a character boundary.
  /// - Complexity: O(previewLength) for most texts (leading blank lines aside);
  ///   no allocation besides the string's own (none for 15 bytes or fewer).
  package static func preview(_ text: UnsafeBufferPointer<UInt8>) -> String {
    // At most `previewLength` bytes, plus the continuation bytes of the scalar that
    // reaches it (three at most).
    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: previewLength + 3) { bytes in
      var count = 0
      var pendingSpace = false
      for byte in text {
        if byte == 0x0A && count > 0 { break }
        if byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A {
          pendingSpace = count > 0
          continue
        }
        if count >= previewLength && byte & 0xC0 != 0x80 { break }
        if pendingSpace {
          if count >= previewLength { break }
          bytes[count] = 0x20
          count += 1
          pendingSpace = false
        }
        guard count < bytes.count else { break }  // a malformed run of continuation bytes
        bytes[count] = byte
        count += 1
      }
      return String(decoding: UnsafeBufferPointer(rebasing: bytes[0..<count]), as: UTF8.self)
    }
  }
}

/// A run of complete lines of one line-oriented input, read as one piece so that
/// worker threads can parse and sketch blocks in parallel.
package struct LineBlock: Sendable {
  /// Holds the lines in its first `byteCount` bytes; reused from block to block, it
  /// only grows.
  var storage: [UInt8] = []
  /// The size of the lines, each with its line end (the input's last line may lack one).
  package internal(set) var byteCount = 0
  /// The input's index in the reader.
  package internal(set) var input = 0
  /// The input's name, for messages and line ids.
  package internal(set) var path = ""
  /// Whether the block opens its input (its first line may start with a byte-order mark).
  package internal(set) var startsInput = false
  /// The sizes of the lines over the length limit read past just before the block's
  /// first line (only when invalid records are skipped); the block may then hold no
  /// line at all.
  package internal(set) var skippedLineSizes: [Int] = []
  /// Whether the input holds one document per line (else JSON Lines).
  package internal(set) var isLines = false

  /// Creates an empty block.
  package init() {}

  /// Calls `body` with the lines.
  package func withBytes<Result>(_ body: (UnsafeBufferPointer<UInt8>) throws -> Result) rethrows -> Result {
    try storage.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[0..<byteCount])) }
  }
}
