#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif
import Foundation
@testable import NearDupCore

/// What every fuzz target shares: where the repository is, a scratch directory,
/// failure reporting, and small byte utilities. Compiled into each target and into
/// the seed builder.
enum Fuzz {
  /// The repository root, found from this file's path (`Fuzz/Support/FuzzSupport.swift`),
  /// as the tests find `Corpus/`.
  static let repositoryRoot: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.path
  }()

  /// The committed fixture the seeds and the index target's base index come from.
  static var corpusPath: String { repositoryRoot + "/Corpus/news.jsonl" }

  /// Stops the process with `message`: libFuzzer saves the input as a crash.
  static func fail(_ message: String) -> Never {
    fatalError(message)
  }

  /// Fails with `message` unless `condition` holds.
  static func expect(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fail(message()) }
  }

  /// Writes `bytes` to `path`, replacing the file; a failure is a harness failure.
  static func writeFile(_ path: String, _ bytes: UnsafeRawBufferPointer) {
    let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    expect(descriptor >= 0, "cannot create \(path): \(String(cString: strerror(errno)))")
    defer { close(descriptor) }
    var written = 0
    while written < bytes.count {
      let count = write(descriptor, bytes.baseAddress! + written, bytes.count - written)
      if count < 0 && errno == EINTR { continue }
      expect(count > 0, "cannot write \(path): \(String(cString: strerror(errno)))")
      written += count
    }
  }

  /// Writes `bytes` to `path`, replacing the file.
  static func writeFile(_ path: String, _ bytes: [UInt8]) {
    bytes.withUnsafeBytes { writeFile(path, $0) }
  }

  /// The bytes of the file at `path`.
  static func readFile(_ path: String) -> [UInt8] {
    guard let data = FileManager.default.contents(atPath: path) else { fail("cannot read \(path)") }
    return Array(data)
  }

  /// The first `count` documents of `Corpus/news.jsonl`, as title plus body text,
  /// each cut to about `characters` characters: small, but with the corpus's
  /// near-duplicate stories.
  static func corpusDocuments(count: Int, characters: Int) -> [Document] {
    let reader = CorpusReader(inputs: [CorpusInput(path: corpusPath, kind: .jsonLines)], options: CorpusOptions())
    var batch = DocumentBatch()
    do {
      guard try reader.read(into: &batch, maximumDocuments: count) else { fail("\(corpusPath) holds no documents") }
    } catch {
      fail("cannot read \(corpusPath): \(error)")
    }
    return (0..<batch.count).map { index in
      let text = batch.content.withUnsafeBufferPointer {
        String(decoding: $0[batch.contentRange(of: index)], as: UTF8.self)
      }
      return Document(id: batch.ids[index], text: String(text.prefix(characters)))
    }
  }
}

/// A directory for one fuzzing process's scratch files, removed when the process
/// exits normally. A crashed process leaves it behind, so its name is unique even
/// when a process id comes back; `Fuzz/run` points `TMPDIR` into `.build-fuzz/work/`
/// and empties it before each run.
enum ScratchDirectory {
  /// The directory's path.
  static let path: String = {
    let path =
      NSTemporaryDirectory() + "neardup-fuzz-\(getpid())-\(String(UInt64.random(in: 0...UInt64.max), radix: 36))"
    do {
      try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    } catch {
      Fuzz.fail("cannot create \(path): \(error)")
    }
    atexit { try? FileManager.default.removeItem(atPath: ScratchDirectory.path) }
    return path
  }()
}

/// Bytes in memory as a `ByteSource`, handed out in reads of at most a few bytes at a
/// time (cycling through `chunkSizes`), so that every refill boundary of the readers
/// above it gets exercised.
final class MemoryByteSource: ByteSource {
  let path: String
  private let bytes: [UInt8]
  private let chunkSizes: [Int]
  private var offset = 0
  private var reads = 0

  /// - Precondition: every chunk size is at least 1.
  init(_ bytes: [UInt8], chunkSizes: [Int] = [Int.max], path: String = "memory") {
    precondition(!chunkSizes.isEmpty && chunkSizes.allSatisfy { $0 >= 1 })
    self.bytes = bytes
    self.chunkSizes = chunkSizes
    self.path = path
  }

  func read(into buffer: UnsafeMutableRawBufferPointer) throws(CorpusError) -> Int {
    let count = min(buffer.count, bytes.count - offset, chunkSizes[reads % chunkSizes.count])
    reads += 1
    guard count > 0 else { return 0 }
    bytes.withUnsafeBytes { source in
      buffer.baseAddress!.copyMemory(from: source.baseAddress! + offset, byteCount: count)
    }
    offset += count
    return count
  }
}

/// The lines `LineReader.nextLine` should return for `bytes`, with their 1-based
/// numbers, computed the plain way: split at "\n", a last line without "\n" only
/// when not empty, one trailing "\r" dropped, and a UTF-8 byte-order mark dropped
/// from line 1. Lines numbered in `leftOut` are left out.
func referenceLines(_ bytes: [UInt8], leavingOut leftOut: Set<Int> = []) -> [(number: Int, line: [UInt8])] {
  var lines: [(number: Int, line: [UInt8])] = []
  var start = 0
  var number = 0
  while start < bytes.count {
    let end = bytes[start...].firstIndex(of: 0x0A) ?? bytes.count
    number += 1
    if !leftOut.contains(number) {
      var line = Array(bytes[start..<end])
      if line.last == 0x0D { line.removeLast() }
      if number == 1 && line.starts(with: [0xEF, 0xBB, 0xBF]) { line.removeFirst(3) }
      lines.append((number, line))
    }
    start = end + 1
  }
  return lines
}

/// The lengths of the lines of `bytes` split at "\n" (a "\r" before it counted).
func rawLineLengths(_ bytes: [UInt8]) -> [Int] {
  var lengths: [Int] = []
  var start = 0
  while start < bytes.count {
    let end = bytes[start...].firstIndex(of: 0x0A) ?? bytes.count
    lengths.append(end - start)
    start = end + 1
  }
  return lengths
}

/// What Foundation's `JSONSerialization` makes of `bytes` as a top-level value: the
/// value, `.some(nil)` when it refuses them as JSON, or nil when its refusal says
/// nothing about the JSON — a number beyond `Double` ("is not representable"),
/// which RFC 8259 allows.
func foundationJSON(_ bytes: [UInt8]) -> Any?? {
  do {
    return .some(try JSONSerialization.jsonObject(with: Data(bytes)))
  } catch {
    return "\(error)".contains("not representable") ? nil : .some(nil)
  }
}

/// Whether `bytes` hold U+FEFF, raw or as a JSON `\u` escape. Foundation's
/// `JSONSerialization` drops some U+FEFF characters inside strings, so the targets
/// do not compare such text with it.
func containsByteOrderMark(_ bytes: [UInt8]) -> Bool {
  let escape = Array("\\ufeff".utf8)
  for start in bytes.indices {
    if bytes[start...].starts(with: [0xEF, 0xBB, 0xBF]) { return true }
    if bytes[start] == UInt8(ascii: "\\"), bytes.count - start >= 6,
      zip(bytes[start..<start + 6], escape).allSatisfy({ $0 | 0x20 == $1 | 0x20 })
    {
      return true
    }
  }
  return false
}

/// Little-endian access to a byte array without traps: reads past the end give nil,
/// writes past the end are dropped. For patching index files.
extension Array where Element == UInt8 {
  func littleEndianU64(at offset: Int) -> UInt64? {
    guard offset >= 0, offset <= count - 8 else { return nil }
    return withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) }
  }

  func littleEndianU32(at offset: Int) -> UInt32? {
    guard offset >= 0, offset <= count - 4 else { return nil }
    return withUnsafeBytes { UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: offset, as: UInt32.self)) }
  }

  mutating func setLittleEndianU64(_ value: UInt64, at offset: Int) {
    guard offset >= 0, offset <= count - 8 else { return }
    withUnsafeMutableBytes { $0.storeBytes(of: value.littleEndian, toByteOffset: offset, as: UInt64.self) }
  }

  /// XXH3-64 of `range`, or nil when it does not lie within the array.
  func xxh3(_ range: Range<Int>) -> UInt64? {
    guard range.lowerBound >= 0, range.upperBound <= count else { return nil }
    return withUnsafeBytes { XXH3.hash(UnsafeRawBufferPointer(rebasing: $0[range])) }
  }
}
