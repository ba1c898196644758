#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif
internal import CZlib

/// A problem writing an output file.
public enum OutputError: Error, Equatable, CustomStringConvertible {
  case cannotCreate(path: String, reason: String)
  case writeFailed(path: String, reason: String)

  public var description: String {
    switch self {
    case .cannotCreate(let path, let reason): "\(path): cannot create: \(reason)"
    case .writeFailed(let path, let reason): "\(path): write failed: \(reason)"
    }
  }
}

/// An output file that appears only when complete: bytes go to a temporary file
/// beside it, which `commit()` flushes, syncs and renames over the final path. A run
/// that fails or is interrupted leaves the old file (if any) untouched and removes
/// its temporary file. A path ending in `.gz` is gzip-compressed; "-" is standard
/// output, written directly.
///
/// - Invariant: the final path holds either its previous content or the complete new
///   content, never a partial write.
public final class OutputFile {
  /// The final path.
  public let path: String
  private let temporaryPath: String?
  private var descriptor: Int32
  private var buffer: [UInt8] = []
  private var deflater: Deflater?
  private var committed = false

  /// The buffered bytes that trigger a write.
  private static let flushThreshold = 1 << 20

  /// Creates the temporary file for `path`.
  /// - Throws: `OutputError.cannotCreate` when the directory is missing or not writable.
  public init(path: String) throws(OutputError) {
    self.path = path
    if path == "-" {
      descriptor = 1
      temporaryPath = nil
      return
    }
    let slash = path.lastIndex(of: "/")
    let directory = slash.map { String(path[..<$0]) } ?? "."
    let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
    let temporary = (directory.isEmpty ? "" : directory + "/") + ".\(name).neardup-\(getpid()).tmp"
    let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard fd >= 0 else { throw .cannotCreate(path: path, reason: String(cString: strerror(errno))) }
    descriptor = fd
    temporaryPath = temporary
    if path.hasSuffix(".gz") { deflater = Deflater() }
  }

  deinit {
    if !committed, let temporaryPath {
      close(descriptor)
      unlink(temporaryPath)
    }
  }

  /// Appends bytes.
  public func write(_ bytes: [UInt8]) throws(OutputError) {
    buffer.append(contentsOf: bytes)
    if buffer.count >= Self.flushThreshold { try flush() }
  }

  /// Appends the UTF-8 of `string`.
  public func write(_ string: String) throws(OutputError) {
    buffer.append(contentsOf: string.utf8)
    if buffer.count >= Self.flushThreshold { try flush() }
  }

  /// Appends bytes from a buffer.
  public func write(_ bytes: UnsafeBufferPointer<UInt8>) throws(OutputError) {
    buffer.append(contentsOf: bytes)
    if buffer.count >= Self.flushThreshold { try flush() }
  }

  /// Writes everything, syncs it to disk and renames the temporary file over `path`.
  public func commit() throws(OutputError) {
    try flush()
    if let deflater {
      let tail = deflater.finish()
      try writeAll(tail)
    }
    guard let temporaryPath else {
      committed = true
      return
    }
    guard fsync(descriptor) == 0 else { throw .writeFailed(path: path, reason: String(cString: strerror(errno))) }
    close(descriptor)
    committed = true
    guard rename(temporaryPath, path) == 0 else {
      let reason = String(cString: strerror(errno))
      unlink(temporaryPath)
      throw .writeFailed(path: path, reason: reason)
    }
  }

  private func flush() throws(OutputError) {
    guard !buffer.isEmpty else { return }
    if let deflater {
      let compressed = deflater.compress(buffer)
      try writeAll(compressed)
    } else {
      try writeAll(buffer)
    }
    buffer.removeAll(keepingCapacity: true)
  }

  private func writeAll(_ bytes: [UInt8]) throws(OutputError) {
    var offset = 0
    while offset < bytes.count {
      let written = bytes.withUnsafeBytes { raw in
        Glibc.write(descriptor, raw.baseAddress! + offset, raw.count - offset)
      }
      if written < 0 {
        if errno == EINTR { continue }
        throw .writeFailed(path: path, reason: String(cString: strerror(errno)))
      }
      offset += written
    }
  }
}

/// Gzip compression with zlib.
private final class Deflater {
  private var stream = z_stream()

  init() {
    let status = czlib_deflate_init_gzip(&stream, 6)
    precondition(status == Z_OK, "zlib deflateInit2 failed with status \(status)")
  }

  deinit {
    deflateEnd(&stream)
  }

  func compress(_ input: [UInt8]) -> [UInt8] { run(input, flush: Z_NO_FLUSH) }

  func finish() -> [UInt8] { run([], flush: Z_FINISH) }

  private func run(_ input: [UInt8], flush: Int32) -> [UInt8] {
    var output: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    var input = input
    input.withUnsafeMutableBufferPointer { source in
      stream.next_in = source.baseAddress
      stream.avail_in = UInt32(source.count)
      repeat {
        chunk.withUnsafeMutableBufferPointer { target in
          stream.next_out = target.baseAddress
          stream.avail_out = UInt32(target.count)
          let status = deflate(&stream, flush)
          precondition(status != Z_STREAM_ERROR, "zlib deflate state corrupted")
        }
        output.append(contentsOf: chunk[0..<(chunk.count - Int(stream.avail_out))])
      } while stream.avail_out == 0
    }
    return output
  }
}
