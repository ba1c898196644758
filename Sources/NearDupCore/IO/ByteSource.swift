#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif
internal import CZlib

/// A stream of bytes: a file, standard input, or gzip data decompressed on the fly.
protocol ByteSource: AnyObject {
  /// The path for messages ("-" for standard input).
  var path: String { get }
  /// Reads up to `buffer.count` bytes; returns 0 at the end.
  func read(into buffer: UnsafeMutableRawBufferPointer) throws(CorpusError) -> Int
}

/// Reads a file descriptor with `read(2)`.
final class FileByteSource: ByteSource {
  let path: String
  private let descriptor: Int32
  private let ownsDescriptor: Bool

  /// Opens `path` for reading ("-" is standard input); messages name it `label`.
  init(path: String, label: String) throws(CorpusError) {
    self.path = label
    if path == "-" {
      descriptor = 0
      ownsDescriptor = false
      return
    }
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else {
      let code = errno
      if code == ENOENT { throw .missingPath(path: label) }
      throw .unreadable(path: label, reason: String(cString: strerror(code)))
    }
    descriptor = fd
    ownsDescriptor = true
  }

  deinit {
    if ownsDescriptor { close(descriptor) }
  }

  func read(into buffer: UnsafeMutableRawBufferPointer) throws(CorpusError) -> Int {
    while true {
      #if canImport(Glibc) || canImport(Musl)
        let count = Glibc.read(descriptor, buffer.baseAddress, buffer.count)
      #else
        let count = Darwin.read(descriptor, buffer.baseAddress, buffer.count)
      #endif
      if count >= 0 { return count }
      if errno == EINTR { continue }
      throw .unreadable(path: path, reason: String(cString: strerror(errno)))
    }
  }
}

/// Replays bytes already read from a source before reading on from it; lets the
/// reader sniff the first bytes (gzip magic, NUL bytes) without seeking.
final class PrefixedByteSource: ByteSource {
  private let base: any ByteSource
  private var prefix: [UInt8]
  private var prefixOffset = 0
  var path: String { base.path }

  init(prefix: [UInt8], base: any ByteSource) {
    self.prefix = prefix
    self.base = base
  }

  func read(into buffer: UnsafeMutableRawBufferPointer) throws(CorpusError) -> Int {
    if prefixOffset < prefix.count {
      let count = min(buffer.count, prefix.count - prefixOffset)
      prefix.withUnsafeBytes { bytes in
        buffer.baseAddress!.copyMemory(from: bytes.baseAddress! + prefixOffset, byteCount: count)
      }
      prefixOffset += count
      if prefixOffset == prefix.count {
        prefix = []
        prefixOffset = 0
      }
      return count
    }
    return try base.read(into: buffer)
  }
}

/// Decompresses gzip data (one or more concatenated members) with zlib.
final class GzipByteSource: ByteSource {
  private let base: any ByteSource
  private var stream = z_stream()
  private var input: UnsafeMutableRawBufferPointer
  private var inputEnded = false
  private var finished = false
  var path: String { base.path }

  init(base: any ByteSource) throws(CorpusError) {
    self.base = base
    input = .allocate(byteCount: 1 << 18, alignment: 16)
    guard czlib_inflate_init(&stream) == Z_OK else {
      input.deallocate()
      throw .corruptCompressedData(path: base.path, reason: "zlib could not start")
    }
  }

  deinit {
    inflateEnd(&stream)
    input.deallocate()
  }

  func read(into buffer: UnsafeMutableRawBufferPointer) throws(CorpusError) -> Int {
    guard !finished, buffer.count > 0 else { return 0 }
    stream.next_out = buffer.baseAddress!.assumingMemoryBound(to: Bytef.self)
    stream.avail_out = UInt32(min(buffer.count, Int(UInt32.max)))
    while stream.avail_out > 0 {
      try refillInputIfEmpty()
      let status = inflate(&stream, Z_NO_FLUSH)
      switch status {
      case Z_STREAM_END:
        // Another gzip member may follow (concatenated .gz files, bgzip, pigz).
        try refillInputIfEmpty()
        if stream.avail_in == 0 && inputEnded {
          finished = true
          return buffer.count - Int(stream.avail_out)
        }
        inflateReset(&stream)
      case Z_OK:
        continue
      case Z_BUF_ERROR:
        if inputEnded && stream.avail_in == 0 {
          throw .corruptCompressedData(path: path, reason: "unexpected end of file (truncated .gz?)")
        }
        continue
      default:
        let message = stream.msg.map { String(cString: $0) } ?? "inflate error \(status)"
        throw .corruptCompressedData(path: path, reason: message)
      }
    }
    return buffer.count
  }

  /// Reads more compressed bytes when zlib has consumed all it was given.
  private func refillInputIfEmpty() throws(CorpusError) {
    guard stream.avail_in == 0 && !inputEnded else { return }
    let count = try base.read(into: input)
    if count == 0 {
      inputEnded = true
    } else {
      stream.next_in = input.baseAddress!.assumingMemoryBound(to: Bytef.self)
      stream.avail_in = UInt32(count)
    }
  }
}

/// Opens `path` ("-" for standard input; named `label` in messages) as a byte source, decompressing gzip data
/// (recognised by its magic bytes, whatever the file name) and refusing binary data
/// (NUL bytes in the first 64 KiB).
func openTextSource(path: String, label: String) throws(CorpusError) -> any ByteSource {
  let file = try FileByteSource(path: path, label: label)
  var head = try readPrefix(of: file, count: 1 << 16)
  var source: any ByteSource = PrefixedByteSource(prefix: head, base: file)
  if head.count >= 2 && head[0] == 0x1F && head[1] == 0x8B {
    source = try GzipByteSource(base: source)
    head = try readPrefix(of: source, count: 1 << 16)
    source = PrefixedByteSource(prefix: head, base: source)
  } else if path.hasSuffix(".gz") {
    throw .corruptCompressedData(path: label, reason: "not in gzip format (no gzip header)")
  }
  if head.contains(0) { throw .binaryFile(path: label) }
  return source
}

/// Reads up to `count` bytes (fewer only at the end of the source).
private func readPrefix(of source: any ByteSource, count: Int) throws(CorpusError) -> [UInt8] {
  let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: count, alignment: 16)
  defer { buffer.deallocate() }
  var filled = 0
  while filled < count {
    let read = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled...]))
    if read == 0 { break }
    filled += read
  }
  return Array(buffer[0..<filled])
}
