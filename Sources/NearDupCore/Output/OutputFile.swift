#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif
internal import CZlib

/// A problem writing an output file.
package enum OutputError: Error, Equatable, CustomStringConvertible {
  /// The file could not be created.
  case cannotCreate(path: String, reason: String)
  /// Writing, syncing or renaming the file failed.
  case writeFailed(path: String, reason: String)

  /// The problem, naming the file.
  public var description: String {
    switch self {
    case .cannotCreate(let path, let reason): "\(path): cannot create: \(reason)"
    case .writeFailed(let path, let reason): "\(path): write failed: \(reason)"
    }
  }
}

/// An output the way standard Unix tools treat one: a regular file appears only
/// when complete, and anything else is written as it is.
///
/// - A regular file, or a path where nothing exists yet, is written to a temporary
///   file beside it, which `commit()` flushes, syncs and renames over the path. A run
///   that fails or is interrupted leaves the old file (if any) untouched and removes
///   its temporary file. An existing file keeps its permission bits (and owner,
///   where the process may set it).
/// - A symbolic link is followed: its final target is written that way, and the link
///   stays a link.
/// - An existing character or block device, FIFO or socket is opened and written
///   directly: no temporary file, no rename, so `/dev/null`, a named pipe or a
///   process substitution stays what it is.
/// - "-" is standard output, written directly and left open.
///
/// A path ending in `.gz` is gzip-compressed. Every failed write, sync, close or
/// rename throws `OutputError` naming the path (a full device, a closed pipe).
///
/// - Invariant: a regular file at the final path holds either its previous content
///   or the complete new content, never a partial write; no path other than the
///   temporary file is ever created, replaced or removed.
package final class OutputFile {
  /// The path as the user gave it.
  package let path: String
  /// The output's name in messages: the path, or "standard output" for "-".
  private var name: String { path == "-" ? "standard output" : path }
  private let sink: Sink
  private var descriptor: Int32
  private var buffer: [UInt8] = []
  private var deflater: Deflater?
  private var isClosed = false

  /// Where the bytes go.
  private enum Sink {
    /// Standard output, never closed here.
    case standardOutput
    /// An existing device, FIFO or socket, written in place.
    case stream
    /// A temporary file renamed over `target` (the path with symbolic links followed).
    case replacing(temporary: String, target: String)
  }

  /// The buffered bytes that trigger a write.
  private static let flushThreshold = 1 << 20
  /// The most symbolic links followed from one path, as the kernel allows.
  private static let maximumLinkDepth = 40

  /// Opens `path` for writing: creates the temporary file beside a regular (or new)
  /// file, or opens a device, FIFO or socket in place.
  /// - Throws: `OutputError.cannotCreate` when the directory is missing or not
  ///   writable, the path is a directory, or symbolic links loop.
  package init(path: String) throws(OutputError) {
    self.path = path
    if path.hasSuffix(".gz") { deflater = Deflater() }
    if path == "-" {
      descriptor = 1
      sink = .standardOutput
      return
    }
    let target = try Self.followingLinks(path)
    var status = stat()
    if stat(target, &status) == 0 {
      switch status.st_mode & S_IFMT {
      case S_IFDIR:
        throw .cannotCreate(path: path, reason: "is a directory")
      case S_IFCHR, S_IFBLK, S_IFIFO:
        let fd = open(target, O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .cannotCreate(path: path, reason: Self.lastError()) }
        descriptor = fd
        sink = .stream
        return
      case S_IFSOCK:
        descriptor = try Self.connect(toSocket: target, path: path)
        sink = .stream
        return
      default:
        let temporary = try Self.createTemporary(beside: target, path: path)
        descriptor = temporary.descriptor
        // The new file takes the old one's place: keep its mode and, where allowed, owner.
        _ = fchown(descriptor, status.st_uid, status.st_gid)
        _ = fchmod(descriptor, status.st_mode & 0o7777)
        sink = .replacing(temporary: temporary.path, target: target)
      }
    } else {
      let temporary = try Self.createTemporary(beside: target, path: path)
      descriptor = temporary.descriptor
      sink = .replacing(temporary: temporary.path, target: target)
    }
  }

  deinit {
    guard !isClosed else { return }
    switch sink {
    case .standardOutput: break
    case .stream: close(descriptor)
    case .replacing(let temporary, _):
      close(descriptor)
      unlink(temporary)
    }
  }

  /// Appends bytes.
  package func write(_ bytes: [UInt8]) throws(OutputError) {
    buffer.append(contentsOf: bytes)
    if buffer.count >= Self.flushThreshold { try flush() }
  }

  /// Appends the UTF-8 of `string`.
  package func write(_ string: String) throws(OutputError) {
    buffer.append(contentsOf: string.utf8)
    if buffer.count >= Self.flushThreshold { try flush() }
  }

  /// Appends bytes from a buffer.
  package func write(_ bytes: UnsafeBufferPointer<UInt8>) throws(OutputError) {
    buffer.append(contentsOf: bytes)
    if buffer.count >= Self.flushThreshold { try flush() }
  }

  /// Writes everything. A regular file is then synced to disk and renamed over its
  /// path; a device, FIFO or socket is closed. Either way every error is thrown.
  package func commit() throws(OutputError) {
    try flush()
    if let deflater { try writeAll(deflater.finish()) }
    switch sink {
    case .standardOutput:
      isClosed = true
    case .stream:
      isClosed = true
      guard close(descriptor) == 0 else { throw .writeFailed(path: name, reason: Self.lastError()) }
    case .replacing(let temporary, let target):
      guard fsync(descriptor) == 0 else { throw .writeFailed(path: name, reason: Self.lastError()) }
      isClosed = true
      let closed = close(descriptor) == 0
      let reason = Self.lastError()
      guard closed, rename(temporary, target) == 0 else {
        let failure = closed ? Self.lastError() : reason
        unlink(temporary)
        throw .writeFailed(path: name, reason: failure)
      }
      Self.syncDirectory(of: target)
    }
  }

  private func flush() throws(OutputError) {
    guard !buffer.isEmpty else { return }
    if let deflater {
      try writeAll(deflater.compress(buffer))
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
        throw .writeFailed(path: name, reason: Self.lastError())
      }
      offset += written
    }
  }

  // MARK: Opening

  /// `path` with every symbolic link in its last component followed to the final
  /// target, which need not exist (a dangling link's target is created, as `cp`
  /// does). Links in the directories above are left to the kernel.
  /// - Throws: `cannotCreate` for a link loop or an unreadable link.
  static func followingLinks(_ path: String) throws(OutputError) -> String {
    var current = path
    for _ in 0...maximumLinkDepth {
      var status = stat()
      guard lstat(current, &status) == 0, status.st_mode & S_IFMT == S_IFLNK else { return current }
      var target = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
      let length = readlink(current, &target, target.count - 1)
      guard length >= 0 else { throw .cannotCreate(path: path, reason: lastError()) }
      let destination = String(decoding: target[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
      if destination.hasPrefix("/") {
        current = destination
      } else if let slash = current.lastIndex(of: "/") {
        current = String(current[...slash]) + destination
      } else {
        current = destination
      }
    }
    throw .cannotCreate(path: path, reason: "symbolic link loop (more than \(maximumLinkDepth) links)")
  }

  /// Creates a new, empty temporary file in `target`'s directory, named after it.
  private static func createTemporary(beside target: String, path: String) throws(OutputError) -> (
    path: String, descriptor: Int32
  ) {
    let slash = target.lastIndex(of: "/")
    let directory = slash.map { String(target[...$0]) } ?? ""
    let name = slash.map { String(target[target.index(after: $0)...]) } ?? target
    while true {
      let temporary = directory + ".\(name).neardup-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).tmp"
      let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o666)
      if fd >= 0 { return (temporary, fd) }
      if errno != EEXIST { throw .cannotCreate(path: path, reason: lastError()) }
    }
  }

  /// Connects to the Unix stream socket at `target`.
  private static func connect(toSocket target: String, path: String) throws(OutputError) -> Int32 {
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    let capacity = MemoryLayout.size(ofValue: address.sun_path)
    let bytes = Array(target.utf8)
    guard bytes.count < capacity else { throw .cannotCreate(path: path, reason: "socket path too long") }
    withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
    #if canImport(Glibc)
      let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
    #else
      let fd = socket(AF_UNIX, SOCK_STREAM, 0)
    #endif
    guard fd >= 0 else { throw .cannotCreate(path: path, reason: lastError()) }
    let connected = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
      }
    }
    guard connected == 0 else {
      let reason = lastError()
      close(fd)
      throw .cannotCreate(path: path, reason: reason)
    }
    return fd
  }

  /// Syncs the directory holding `target`, so that the rename itself is durable.
  private static func syncDirectory(of target: String) {
    let directory = target.lastIndex(of: "/").map { String(target[...$0]) } ?? "."
    let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    guard fd >= 0 else { return }
    _ = fsync(fd)
    close(fd)
  }

  private static func lastError() -> String { String(cString: strerror(errno)) }
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
