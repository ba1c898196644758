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
/// at the start of the first line. The buffer doubles for long lines, up to
/// `maximumLineLength`.
///
/// - Complexity: O(bytes) overall; `memchr` finds line ends.
final class LineReader {
  /// The longest line accepted, in bytes.
  static let maximumLineLength = 1 << 30

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

  init(source: any ByteSource, bufferSize: Int = 1 << 20) {
    self.source = source
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
      if let newline = memchr(buffer.baseAddress! + from, 0x0A, end - from) {
        let lineEnd = buffer.baseAddress!.distance(to: newline)
        defer { start = lineEnd + 1 }
        return finishLine(start..<lineEnd)
      }
      scanned = end - start
      if atEnd {
        guard start < end else { return nil }
        defer { start = end }
        return finishLine(start..<end)
      }
      try refill()
    }
  }

  /// Replaces `block` with the next complete lines, about `targetSize` bytes of them
  /// (at least one line, however long), each with its "\n" (the last line of the
  /// source may lack it). Line ends and a byte-order mark are left for the caller.
  /// - Returns: false at the end of the source.
  /// - Complexity: O(bytes copied).
  func nextBlock(into block: inout [UInt8], targetSize: Int) throws(CorpusError) -> Bool {
    block.removeAll(keepingCapacity: true)
    while end - start < targetSize && !atEnd { try refill() }
    guard start < end else { return false }
    // Bytes after `start` to search backwards for the block's last line end.
    var limit = min(end - start, targetSize)
    while true {
      let base = buffer.baseAddress!
      if let cut = lastLineEnd(in: start..<start + limit) {
        block.append(contentsOf: UnsafeRawBufferPointer(start: base + start, count: cut - start))
        start = cut
        return true
      }
      if limit < end - start {
        // The first line is longer than the target: look for its end further on.
        if let newline = memchr(base + start + limit, 0x0A, end - start - limit) {
          limit = base.distance(to: newline) + 1 - start
        } else {
          limit = end - start
        }
        continue
      }
      if atEnd {
        block.append(contentsOf: UnsafeRawBufferPointer(start: base + start, count: end - start))
        start = end
        return true
      }
      try refill()
    }
  }

  /// The offset just past the last "\n" in `range` of the buffer, if any (scanning
  /// back from its end: at most one line).
  private func lastLineEnd(in range: Range<Int>) -> Int? {
    let bytes = buffer.baseAddress!.assumingMemoryBound(to: UInt8.self)
    var index = range.upperBound
    while index > range.lowerBound {
      index -= 1
      if bytes[index] == 0x0A { return index + 1 }
    }
    return nil
  }

  /// Moves the unread bytes to the front, grows the buffer if it is full, and reads more.
  private func refill() throws(CorpusError) {
    if start > 0 {
      if end > start { buffer.baseAddress!.copyMemory(from: buffer.baseAddress! + start, byteCount: end - start) }
      end -= start
      start = 0
    }
    if end == buffer.count {
      guard buffer.count < Self.maximumLineLength else {
        throw .oversizedRecord(path: source.path, line: lineNumber + 1, limit: Self.maximumLineLength)
      }
      let larger = UnsafeMutableRawBufferPointer.allocate(byteCount: buffer.count * 2, alignment: 64)
      larger.baseAddress!.copyMemory(from: buffer.baseAddress!, byteCount: end)
      buffer.deallocate()
      buffer = larger
    }
    let count = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[end...]))
    if count == 0 { atEnd = true }
    end += count
    bytesRead += count
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
