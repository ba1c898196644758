@testable import NearDupCore

/// Fuzz target `gzip`: arbitrary bytes as a compressed (or plain) corpus file.
///
/// Checks, for every input:
/// - `GzipByteSource` over the bytes in memory, fed in one piece and in pieces of
///   1 to 4096 bytes and read into buffers of a few bytes: both give the same bytes,
///   or both throw the same error.
/// - `LineReader` over that stream with a 16-byte buffer: `nextLine` returns exactly
///   the lines of the decompressed bytes (`referenceLines`); with a 64-byte line
///   limit it throws for the first line of more than 64 bytes, or with skipping reads
///   past exactly those lines; `nextBlock` with small targets cuts the bytes into
///   blocks of whole lines that add up to all of them.
/// - `CorpusReader` over the bytes written to a file, as one document per line and
///   as a single text file: the documents are those lines and that text (a file
///   with a NUL byte or a gzip error throws instead), and as JSON Lines with
///   invalid records skipped it reads to the end or throws a gzip or binary-file error.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzGzip(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let bytes = Array(UnsafeBufferPointer(start: data, count: size))
  let stream = GzipFuzzer.checkDecompression(bytes)
  if case .success(let text) = stream { GzipFuzzer.checkLineReader(compressed: bytes, text: text) }
  GzipFuzzer.checkCorpusReader(bytes, stream: stream)
  return 0
}

enum GzipFuzzer {
  /// Decompressed output beyond this is not compared (a few KiB of input can
  /// inflate to megabytes).
  static let outputLimit = 1 << 20
  /// Source piece sizes that cross every refill boundary.
  static let pieces = [1, 7, 3, 64, 4096, 2, 500]

  enum Decompressed: Equatable {
    case success([UInt8])
    case failure(CorpusError)
    /// More than `outputLimit` bytes.
    case tooLarge
  }

  /// All of `bytes` decompressed with `GzipByteSource`, the source handing out
  /// `chunkSizes`-byte pieces and the output read `readSize` bytes at a time.
  static func decompress(_ bytes: [UInt8], chunkSizes: [Int], readSize: Int) -> Decompressed {
    do {
      let source = try GzipByteSource(base: MemoryByteSource(bytes, chunkSizes: chunkSizes))
      let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: readSize, alignment: 8)
      defer { buffer.deallocate() }
      var output: [UInt8] = []
      while true {
        let count = try source.read(into: buffer)
        if count == 0 { break }
        Fuzz.expect(count <= readSize, "read \(count) bytes into a \(readSize)-byte buffer")
        output.append(contentsOf: buffer[0..<count])
        if output.count > outputLimit { return .tooLarge }
      }
      Fuzz.expect((try? source.read(into: buffer)) == 0, "a finished stream reads more bytes")
      return .success(output)
    } catch {
      return .failure(error)
    }
  }

  static func checkDecompression(_ bytes: [UInt8]) -> Decompressed {
    let whole = decompress(bytes, chunkSizes: [Int.max], readSize: 1 << 16)
    if whole == .tooLarge { return whole }
    let pieced = decompress(bytes, chunkSizes: pieces, readSize: 5)
    Fuzz.expect(whole == pieced, "decompressing at once and in pieces differ:\n  \(whole)\n  \(pieced)")
    return whole
  }

  /// The lines a `LineReader` returns, and the error it stopped with.
  static func lines(_ reader: LineReader) -> (lines: [[UInt8]], numbers: [Int], skipped: [Int], error: CorpusError?) {
    var lines: [[UInt8]] = []
    var numbers: [Int] = []
    do {
      while let line = try reader.nextLine() {
        lines.append(Array(line))
        numbers.append(reader.lineNumber)
      }
    } catch {
      return (lines, numbers, reader.skippedLines.map(\.line), error)
    }
    return (lines, numbers, reader.skippedLines.map(\.line), nil)
  }

  static func lineReader(
    _ compressed: [UInt8], limit: Int = LineReader.defaultMaximumLineLength, skipping: Bool = false
  )
    -> LineReader
  {
    let source = try! GzipByteSource(base: MemoryByteSource(compressed, chunkSizes: pieces))
    return LineReader(source: source, bufferSize: 16, maximumLineLength: limit, skipsOversizedLines: skipping)
  }

  static func checkLineReader(compressed: [UInt8], text: [UInt8]) {
    let expected = referenceLines(text)
    let plain = lines(lineReader(compressed))
    Fuzz.expect(plain.error == nil, "nextLine throws \(String(describing: plain.error)) on a valid stream")
    Fuzz.expect(plain.lines == expected.map(\.line), "nextLine returns \(plain.lines), expected \(expected)")
    Fuzz.expect(plain.numbers == expected.map(\.number), "nextLine numbers lines \(plain.numbers)")

    // Lines of more than 64 bytes (before their "\n", a "\r" included) are over the limit.
    let limit = 64
    let lengths = rawLineLengths(text)
    let oversized = lengths.indices.filter { lengths[$0] > limit }.map { $0 + 1 }
    let kept = referenceLines(text, leavingOut: Set(oversized))
    let skipping = lines(lineReader(compressed, limit: limit, skipping: true))
    Fuzz.expect(skipping.error == nil, "skipping long lines throws \(String(describing: skipping.error))")
    Fuzz.expect(skipping.lines == kept.map(\.line), "skipping long lines returns \(skipping.lines), expected \(kept)")
    Fuzz.expect(skipping.numbers == kept.map(\.number), "skipping long lines numbers them \(skipping.numbers)")
    Fuzz.expect(skipping.skipped == oversized, "skipped lines \(skipping.skipped), expected \(oversized)")

    let strict = lines(lineReader(compressed, limit: limit))
    if let first = oversized.first {
      Fuzz.expect(
        strict.error == .oversizedRecord(path: "memory", line: first, bytes: lengths[first - 1], limit: limit),
        "long line \(first) throws \(String(describing: strict.error))")
      Fuzz.expect(strict.lines == expected.prefix(first - 1).map(\.line), "the lines before long line \(first) differ")
    } else {
      Fuzz.expect(
        strict.error == nil && strict.lines == expected.map(\.line), "short lines read differently under a limit")
    }

    // Blocks: whole lines, adding up to the text.
    let reader = lineReader(compressed)
    var storage: [UInt8] = []
    var joined: [UInt8] = []
    let targets = [1, 10, 100, 3, 37]
    var blocks = 0
    do {
      while let count = try reader.nextBlock(into: &storage, targetSize: targets[blocks % targets.count]) {
        blocks += 1
        Fuzz.expect(count > 0 && count <= storage.count, "a block of \(count) bytes in \(storage.count)")
        joined.append(contentsOf: storage[0..<count])
        Fuzz.expect(storage[count - 1] == 0x0A || joined.count == text.count, "a block ends inside a line")
      }
    } catch {
      Fuzz.fail("nextBlock throws \(error) on a valid stream")
    }
    Fuzz.expect(joined == text, "blocks add up to \(joined.count) bytes, not \(text.count)")
  }

  /// Reads every document of `input`: their ids and texts, or the error.
  static func read(_ input: CorpusInput, options: CorpusOptions = CorpusOptions())
    -> (ids: [String], texts: [[UInt8]], error: CorpusError?)
  {
    let reader = CorpusReader(inputs: [input], options: options)
    var batch = DocumentBatch()
    var ids: [String] = []
    var texts: [[UInt8]] = []
    do {
      while try reader.read(into: &batch, maximumDocuments: 4) {
        for index in 0..<batch.count {
          ids.append(batch.ids[index])
          texts.append(Array(batch.content[batch.contentRange(of: index)]))
        }
      }
    } catch {
      return (ids, texts, error)
    }
    return (ids, texts, nil)
  }

  static func checkCorpusReader(_ bytes: [UInt8], stream: Decompressed) {
    let path = ScratchDirectory.path + "/input"
    Fuzz.writeFile(path, bytes)
    let isGzip = bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B
    // What the reader should see: the decompressed stream, or the bytes themselves.
    let text: [UInt8]?
    switch (isGzip, stream) {
    case (false, _): text = bytes
    case (true, .success(let output)): text = output
    case (true, .failure): text = nil
    case (true, .tooLarge): return
    }

    var skipping = CorpusOptions()
    skipping.skipsInvalidRecords = true
    let records = read(CorpusInput(path: path, kind: .jsonLines, label: "input"), options: skipping)
    let lines = read(CorpusInput(path: path, kind: .lines, label: "input"))
    let file = read(CorpusInput(path: path, kind: .textFile, label: "input"))

    guard let text else {
      // Usually `.corruptCompressedData`; a NUL byte decompressed before the damage
      // may be found first.
      for outcome in [records.error, lines.error, file.error] {
        Fuzz.expect(outcome != nil, "a corrupt gzip stream reads without an error")
      }
      return
    }
    if text.contains(0) {
      Fuzz.expect(
        file.error == .binaryFile(path: "input"), "a text with NUL reads as \(String(describing: file.error))")
      Fuzz.expect(lines.error != nil, "lines with NUL read without an error")
      return
    }
    Fuzz.expect(records.error == nil, "JSON Lines with skipping throws \(String(describing: records.error))")
    Fuzz.expect(file.error == nil && file.texts == [text], "the text file reads as \(file)")
    let expected = referenceLines(text)
    Fuzz.expect(
      lines.error == nil && lines.texts == expected.map(\.line), "the lines read as \(lines), expected \(expected)")
    Fuzz.expect(lines.ids == expected.map { String($0.number) }, "line ids \(lines.ids)")
  }
}
