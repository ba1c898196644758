import Testing

@testable import NearDupCore

/// A source that hands out `bytes` in reads of random sizes, as pipes and
/// decompressors do.
private final class ChunkedSource: ByteSource {
  let path = "chunked.jsonl"
  private let bytes: [UInt8]
  private var offset = 0
  private var random: SplitMix64

  init(_ bytes: [UInt8], seed: UInt64) {
    self.bytes = bytes
    random = SplitMix64(seed: seed)
  }

  func read(into buffer: UnsafeMutableRawBufferPointer) throws(CorpusError) -> Int {
    let count = min(buffer.count, bytes.count - offset, 1 + Int(random.next() % 5000))
    guard count > 0 else { return 0 }
    bytes.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress! + offset, byteCount: count) }
    offset += count
    return count
  }
}

@Suite("LineReader")
struct LineReaderTests {
  /// Random lines, short to very long, some empty, with or without a final line end;
  /// the middle line is longer than a block's storage starts out (target plus 64 KiB).
  func text(seed: UInt64, lines: Int) -> [UInt8] {
    var random = SplitMix64(seed: seed)
    var bytes: [UInt8] = []
    for index in 0..<lines {
      var length = random.next() % 10 == 0 ? Int(random.next() % 40_000) : Int(random.next() % 300)
      if index == lines / 2 { length = 200_000 }
      bytes += (0..<length).map { _ in UInt8(ascii: "a") + UInt8(random.next() % 26) }
      if index < lines - 1 || seed % 2 == 0 { bytes.append(0x0A) }
    }
    return bytes
  }

  /// Every block of `reader` until the end.
  func blocks(_ reader: LineReader, targetSize: Int) throws -> [[UInt8]] {
    var storage: [UInt8] = []
    var blocks: [[UInt8]] = []
    while let count = try reader.nextBlock(into: &storage, targetSize: targetSize) {
      blocks.append(Array(storage[0..<count]))
    }
    return blocks
  }

  @Test(
    "blocks are whole lines, about the target size, and together the whole source", arguments: [1, 100, 4096, 65_536])
  func blocksCoverTheSource(targetSize: Int) throws {
    for seed: UInt64 in 1...4 {
      let bytes = text(seed: seed, lines: 300)
      let blocks = try blocks(
        LineReader(source: ChunkedSource(bytes, seed: seed), bufferSize: 4096), targetSize: targetSize)
      let joined = Array(blocks.joined())
      let whole = joined == bytes  // compared apart: a failure prints the counts, not the bytes
      #expect(whole, "\(joined.count) bytes in blocks, \(bytes.count) in the source")
      for (index, block) in blocks.enumerated() {
        #expect(!block.isEmpty)
        // Every block but the source's last ends a line; one larger than the target
        // is a single line.
        if index < blocks.count - 1 || seed % 2 == 0 { #expect(block.last == 0x0A) }
        if block.count > targetSize { #expect(block.dropLast().firstIndex(of: 0x0A) == nil) }
      }
    }
  }

  @Test("blocks go on where single lines stopped")
  func blocksAfterLines() throws {
    let bytes = text(seed: 8, lines: 200)
    let reader = LineReader(source: ChunkedSource(bytes, seed: 8), bufferSize: 4096)
    var consumed = 0
    for _ in 0..<5 {
      let line = try #require(try reader.nextLine())
      consumed += line.count + 1
    }
    let rest = try blocks(reader, targetSize: 10_000)
    let joined = Array(rest.joined())
    let whole = joined == Array(bytes[consumed...])
    #expect(whole, "\(joined.count) bytes in blocks, \(bytes.count - consumed) left")
  }

  @Test("an empty source has no blocks")
  func emptySource() throws {
    #expect(try blocks(LineReader(source: ChunkedSource([], seed: 1)), targetSize: 100).isEmpty)
  }
}
