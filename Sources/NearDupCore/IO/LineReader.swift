#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Splits a byte source into lines without copying them: each line is a view into
/// the reader's buffer, valid until the next call.
///
/// Lines end at "\n"; a trailing "\r" is dropped, and so is a UTF-8 byte-order mark
/// at the start of the first line. The buffer doubles for long lines, up to one byte
/// past `maximumLineLength`; a longer line is read past to measure it (its bytes are
/// never all held), then is an error, or with `skipsOversizedLines` is counted
/// (`skippedLines`, `skippedLineSizesBeforeBlock`).
///
/// - Complexity: O(bytes) overall; `memchr` finds line ends.
final class LineReader {
  /// The longest line accepted by default, in bytes.
  static let defaultMaximumLineLength = CorpusOptions.defaultMaximumDocumentBytes
  /// The longest line accepted, in bytes, without its line end.
  let maximumLineLength: Int
  /// Whether a line over `maximumLineLength` bytes is read past instead of being an
  /// error.
  let skipsOversizedLines: Bool
  /// With `skipsOversizedLines`: the lines `nextLine` read past, in order, with their
  /// sizes; the caller empties it.
  var skippedLines: [(line: Int, bytes: Int)] = []
  /// With `skipsOversizedLines`: the sizes of the lines the last `nextBlock` read past
  /// before the block's first line.
  private(set) var skippedLineSizesBeforeBlock: [Int] = []

  private let source: any ByteSource
  private var buffer: UnsafeMutableRawBufferPointer
  private var start = 0
  private var end = 0
  private var atEnd = false
  /// The 1-based number of the line last returned.
  private(set) var lineNumber = 0
  /// Bytes consumed from the source so far.
  private(set) var bytesRead = 0

  var path: String { source.path }

  init(
    source: any ByteSource, bufferSize: Int = 1 << 20, maximumLineLength: Int = defaultMaximumLineLength,
    skipsOversizedLines: Bool = false
  ) {
    self.source = source
    self.maximumLineLength = maximumLineLength
    self.skipsOversizedLines = skipsOversizedLines
    buffer = .allocate(byteCount: bufferSize, alignment: 64)
  }

  deinit {
    buffer.deallocate()
  }

  /// The next line, without its line end; nil at the end of the source.
  func nextLine() throws(CorpusError) -> UnsafeBufferPointer<UInt8>? {
    var scanned = 0  // bytes after `start` already searched without finding "\n"
    while true {
      let from = start + scanned
      var lineEnd: Int?
      if let newline = memchr(buffer.baseAddress! + from, 0x0A, end - from) {
        lineEnd = buffer.baseAddress!.distance(to: newline)
      } else if atEnd {
        guard start < end else { return nil }
        lineEnd = end
      }
      if let lineEnd {
        let lineStart = start
        start = min(lineEnd + 1, end)
        if lineEnd - lineStart > maximumLineLength {
          try passOversizedLine(of: lineEnd - lineStart)
          scanned = 0
          continue
        }
        return finishLine(lineStart..<lineEnd)
      }
      scanned = end - start
      if let size = try refill() {
        // An oversized line was read past: the buffer now starts after it.
        try passOversizedLine(of: size)
        scanned = 0
      }
    }
  }

  /// Accounts for the next line, `size` bytes long and over the limit, whose bytes
  /// are already consumed: thrown, or with `skipsOversizedLines` counted.
  private func passOversizedLine(of size: Int) throws(CorpusError) {
    lineNumber += 1
    guard skipsOversizedLines else {
      throw .oversizedRecord(path: source.path, line: lineNumber, bytes: size, limit: maximumLineLength)
    }
    skippedLines.append((lineNumber, size))
  }

  /// Reads past empty lines ("\n" or "\r\n" alone), counting them, so that a run of
  /// them costs a byte comparison each instead of a `nextLine` call each; for JSON
  /// Lines, where they are not records.
  /// - Complexity: O(empty lines skipped).
  func skipEmptyLines() throws(CorpusError) {
    while true {
      let bytes = UnsafeBufferPointer(start: buffer.baseAddress!.assumingMemoryBound(to: UInt8.self), count: end)
      let skipped = bytes.skippingEmptyLines(from: start)
      start = skipped.index
      lineNumber += skipped.lines
      // Done at a line with content, or at the end; a last lone "\r" may begin "\r\n".
      if atEnd || start < end - 1 || (start == end - 1 && bytes[start] != 0x0D) { return }
      if let size = try refill() { try passOversizedLine(of: size) }
    }
  }

  /// Reads the next complete lines, about `targetSize` bytes of them (at least one
  /// line, however long), each with its "\n" (the last line of the source may lack
  /// it), into the front of `storage`; returns their byte count, nil at the end of
  /// the source. The source is read straight into `storage` (grown as needed, never
  /// shrunk; bytes past the count are left over); only the partial line after the
  /// block's last line end is copied back into the reader's buffer, for the next
  /// call. Line ends and a byte-order mark are left for the caller.
  /// A line over `maximumLineLength` bytes that does not fit the storage is read
  /// past (measured, not kept); with `skipsOversizedLines` it is counted in
  /// `skippedLineSizesBeforeBlock`: such lines come before the block's first line,
  /// and a block may then be empty (an oversized last line). Shorter lines over the
  /// limit that fit a block are left for the caller to check.
  /// - Throws: `CorpusError.oversizedRecord` for such a line when not skipping; it is
  ///   the block's first line, and blocks do not count lines, so the error gives the
  ///   line after those `nextLine` returned: the caller adds the lines of the blocks
  ///   before.
  /// - Complexity: O(bytes read), plus the copy of one partial line per block.
  func nextBlock(into storage: inout [UInt8], targetSize: Int) throws(CorpusError) -> Int? {
    skippedLineSizesBeforeBlock.removeAll()
    while true {
      if let count = try nextBlockOrSkip(into: &storage, targetSize: targetSize) { return count }
      if skippedLineSizesBeforeBlock.isEmpty { return nil }
      if atEnd && start == end { return 0 }
    }
  }

  /// One attempt of `nextBlock`: the block's byte count, or nil at the end of the
  /// source or after reading past an oversized line (`skippedLineSizesBeforeBlock` grows).
  private func nextBlockOrSkip(into storage: inout [UInt8], targetSize: Int) throws(CorpusError) -> Int? {
    let target = max(1, targetSize)
    // Bytes left in the buffer (the partial line of the last block, or lines after
    // `nextLine`) come first.
    var filled = end - start
    storage.resize(to: max(storage.count, max(target, filled) + Self.blockSlack), filling: 0)
    storage.withUnsafeMutableBytes { $0.baseAddress!.copyMemory(from: buffer.baseAddress! + start, byteCount: filled) }
    start = 0
    end = 0
    while filled < target && !atEnd { filled += try readSource(into: &storage, at: filled, upTo: target) }
    guard filled > 0 else { return nil }
    // Cut after the last line end within the target, else after the first one past it.
    var cut = storage.withUnsafeBytes { bytes in
      Self.lastLineEnd(in: bytes.baseAddress!.assumingMemoryBound(to: UInt8.self), upTo: min(filled, target))
    }
    var searched = min(filled, target)
    while cut == nil {
      cut = storage.withUnsafeBytes { bytes in
        memchr(bytes.baseAddress! + searched, 0x0A, filled - searched).map { bytes.baseAddress!.distance(to: $0) + 1 }
      }
      searched = filled
      guard cut == nil else { break }
      if atEnd { return filled }  // the source's last line, without "\n"
      // No line end in `storage`: it holds the start of one line.
      guard filled <= maximumLineLength else {
        let size = filled + (try readPastLine())
        guard skipsOversizedLines else {
          throw .oversizedRecord(path: source.path, line: lineNumber + 1, bytes: size, limit: maximumLineLength)
        }
        skippedLineSizesBeforeBlock.append(size)
        return nil
      }
      if filled == storage.count { storage.resize(to: grownSize(storage.count), filling: 0) }
      filled += try readSource(into: &storage, at: filled, upTo: storage.count)
    }
    // The partial line after the cut waits in the buffer for the next block.
    let rest = filled - cut!
    if rest > buffer.count {
      buffer.deallocate()
      buffer = .allocate(byteCount: rest, alignment: 64)
    }
    storage.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress! + cut!, byteCount: rest) }
    end = rest
    return cut!
  }

  /// Room past the target size in a block's storage: the partial line read with the
  /// block's last bytes rarely needs more.
  private static let blockSlack = 64 << 10

  /// Reads from the source into `storage[offset..<limit]`; returns the byte count (0
  /// at the end of the source, which it records).
  private func readSource(into storage: inout [UInt8], at offset: Int, upTo limit: Int) throws(CorpusError) -> Int {
    let count = try storage.withUnsafeMutableBytes { bytes in
      Result { () throws(CorpusError) in
        try source.read(into: UnsafeMutableRawBufferPointer(rebasing: bytes[offset..<limit]))
      }
    }.get()
    if count == 0 { atEnd = true }
    bytesRead += count
    return count
  }

  /// The offset just past the last "\n" among the first `count` bytes at `bytes`, if any.
  private static func lastLineEnd(in bytes: UnsafePointer<UInt8>, upTo count: Int) -> Int? {
    var index = count
    while index > 0 {
      index -= 1
      if bytes[index] == 0x0A { return index + 1 }
    }
    return nil
  }

  /// The size a full buffer of `size` bytes holding part of one line grows to: twice
  /// as large, but no larger than the longest line plus one byte, which is enough to
  /// tell that a line is over the limit.
  /// - Precondition: `size <= maximumLineLength` (a full buffer past the limit holds
  ///   an oversized line).
  private func grownSize(_ size: Int) -> Int {
    min(size * 2, maximumLineLength + 1)
  }

  /// Moves the unread bytes to the front, grows the buffer if it is full, and reads
  /// more. Returns the size of the line it read past instead when the buffer is full
  /// of one line over the limit, leaving the bytes after it in the buffer.
  /// - Throws: `CorpusError.oversizedRecord` for such a line, unless
  ///   `skipsOversizedLines`.
  private func refill() throws(CorpusError) -> Int? {
    if start > 0 {
      if end > start { buffer.baseAddress!.copyMemory(from: buffer.baseAddress! + start, byteCount: end - start) }
      end -= start
      start = 0
    }
    if end == buffer.count {
      guard end <= maximumLineLength else {
        let size = end + (try readPastLine())
        guard skipsOversizedLines else {
          throw .oversizedRecord(path: source.path, line: lineNumber + 1, bytes: size, limit: maximumLineLength)
        }
        return size
      }
      let larger = UnsafeMutableRawBufferPointer.allocate(byteCount: grownSize(buffer.count), alignment: 64)
      larger.baseAddress!.copyMemory(from: buffer.baseAddress!, byteCount: end)
      buffer.deallocate()
      buffer = larger
    }
    let count = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[end...]))
    if count == 0 { atEnd = true }
    end += count
    bytesRead += count
    return nil
  }

  /// Drops the rest of the current line, whose start is already consumed: reads the
  /// source into the buffer until a "\n" (or the end), and leaves the bytes after it
  /// as the buffer's unread bytes. Returns the bytes dropped before the "\n".
  /// - Complexity: O(bytes of the line), in buffer-sized reads.
  private func readPastLine() throws(CorpusError) -> Int {
    start = 0
    end = 0
    var dropped = 0
    while !atEnd {
      let count = try source.read(into: buffer)
      bytesRead += count
      guard count > 0 else {
        atEnd = true
        break
      }
      if let newline = memchr(buffer.baseAddress!, 0x0A, count) {
        start = buffer.baseAddress!.distance(to: newline) + 1
        end = count
        return dropped + start - 1
      }
      dropped += count
    }
    return dropped
  }

  private func finishLine(_ range: Range<Int>) -> UnsafeBufferPointer<UInt8> {
    lineNumber += 1
    var lower = range.lowerBound
    var upper = range.upperBound
    let bytes = buffer.baseAddress!.assumingMemoryBound(to: UInt8.self)
    if upper > lower && bytes[upper - 1] == 0x0D { upper -= 1 }
    if lineNumber == 1 && upper - lower >= 3 && bytes[lower] == 0xEF && bytes[lower + 1] == 0xBB
      && bytes[lower + 2] == 0xBF
    {
      lower += 3
    }
    return UnsafeBufferPointer(start: bytes + lower, count: upper - lower)
  }
}
