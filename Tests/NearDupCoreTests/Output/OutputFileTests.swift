import Foundation
import NearDupCore
import Testing

#if canImport(Glibc)
  import Glibc
#endif

@Suite("OutputFile")
struct OutputFileTests {
  @Test("nothing appears at the path until commit, and an abandoned file leaves the old one intact")
  func atomicReplace() throws {
    let directory = try TemporaryDirectory()
    let path = try directory.write("out.jsonl", "old content\n")
    do {
      let file = try OutputFile(path: path)
      try file.write(String(repeating: "new\n", count: 1000))
      #expect(try String(contentsOfFile: path, encoding: .utf8) == "old content\n")
    }
    #expect(try String(contentsOfFile: path, encoding: .utf8) == "old content\n")
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["out.jsonl"])
    let file = try OutputFile(path: path)
    try file.write("new\n")
    try file.commit()
    #expect(try String(contentsOfFile: path, encoding: .utf8) == "new\n")
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["out.jsonl"])
  }

  @Test("a missing directory is an error when the file is created")
  func missingDirectory() {
    #expect(throws: OutputError.self) { try OutputFile(path: "/nonexistent-neardup-dir/out.jsonl") }
  }

  @Test("a replaced file keeps its permission bits")
  func keepsMode() throws {
    let directory = try TemporaryDirectory()
    let path = try directory.write("out.jsonl", "old\n")
    #expect(chmod(path, 0o640) == 0)
    let file = try OutputFile(path: path)
    try file.write("new\n")
    try file.commit()
    #expect(try String(contentsOfFile: path, encoding: .utf8) == "new\n")
    #expect(try Self.mode(path) == 0o640)
  }

  @Test("a symbolic link stays a link and its target gets the new content; a dangling one gets its target created")
  func symbolicLinks() throws {
    let directory = try TemporaryDirectory()
    let target = try directory.write("data/target.jsonl", "old\n")
    #expect(symlink("data/target.jsonl", directory.file("link")) == 0)
    #expect(symlink("data/missing.jsonl", directory.file("dangling")) == 0)
    for (link, written) in [("link", target), ("dangling", directory.file("data/missing.jsonl"))] {
      let file = try OutputFile(path: directory.file(link))
      try file.write("new via \(link)\n")
      try file.commit()
      #expect(try FileManager.default.destinationOfSymbolicLink(atPath: directory.file(link)).hasPrefix("data/"))
      #expect(try String(contentsOfFile: written, encoding: .utf8) == "new via \(link)\n")
    }
    #expect(
      try FileManager.default.contentsOfDirectory(atPath: directory.file("data")).sorted() == [
        "missing.jsonl", "target.jsonl",
      ])
  }

  @Test("a symbolic link loop and a directory are refused with their reasons")
  func refusedTargets() throws {
    let directory = try TemporaryDirectory()
    #expect(symlink("b", directory.file("a")) == 0)
    #expect(symlink("a", directory.file("b")) == 0)
    #expect(
      throws: OutputError.cannotCreate(path: directory.file("a"), reason: "symbolic link loop (more than 40 links)")
    ) {
      try OutputFile(path: directory.file("a"))
    }
    #expect(throws: OutputError.cannotCreate(path: directory.path, reason: "is a directory")) {
      try OutputFile(path: directory.path)
    }
  }

  @Test("a FIFO is written in place, as a stream, and stays a FIFO")
  func fifo() throws {
    let directory = try TemporaryDirectory()
    let path = directory.file("pipe")
    #expect(mkfifo(path, 0o600) == 0)
    let reader = BackgroundThread { Self.readAll(open(path, O_RDONLY)) }
    let file = try OutputFile(path: path)  // opens once the reader has the other end
    try file.write(String(repeating: "line\n", count: 300_000))
    try file.commit()
    #expect(reader.wait().count == 5 * 300_000)
    #expect(try Self.type(path) == S_IFIFO)
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["pipe"])
  }

  @Test("a FIFO whose reader has gone is a write error naming it, not a signal")
  func closedFIFO() throws {
    signal(SIGPIPE, SIG_IGN)  // as the neardup executable does
    let directory = try TemporaryDirectory()
    let path = directory.file("pipe")
    #expect(mkfifo(path, 0o600) == 0)
    let reader = BackgroundThread { close(open(path, O_RDONLY)) }
    let file = try OutputFile(path: path)
    _ = reader.wait()
    #expect(throws: OutputError.writeFailed(path: path, reason: "Broken pipe")) {
      try file.write(String(repeating: "x", count: 2 << 20))  // flushed at once: over the buffer
      try file.commit()
    }
  }

  @Test("a Unix socket is connected to and written")
  func socket() throws {
    let directory = try TemporaryDirectory()
    let path = directory.file("sock")
    let server = Glibc.socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(server) }
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8)) }
    let bound = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        bind(server, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
      }
    }
    #expect(bound == 0)
    #expect(listen(server, 1) == 0)
    let reader = BackgroundThread { Self.readAll(accept(server, nil, nil)) }
    let file = try OutputFile(path: path)
    try file.write("through a socket\n")
    try file.commit()
    #expect(String(decoding: reader.wait(), as: UTF8.self) == "through a socket\n")
    #expect(try Self.type(path) == S_IFSOCK)
  }

  @Test(
    "character devices are written in place: a null device stays a device, a full one is an error",
    .enabled(if: getuid() == 0, "making device nodes with mknod needs root (CI runs as root)"))
  func devices() throws {
    let directory = try TemporaryDirectory()
    let null = directory.file("null")
    let full = directory.file("full")
    // Linux's memory devices: major 1, minor 3 (null) and 7 (full).
    #expect(mknod(null, S_IFCHR | 0o666, dev_t(1 << 8 | 3)) == 0)
    #expect(mknod(full, S_IFCHR | 0o666, dev_t(1 << 8 | 7)) == 0)
    let file = try OutputFile(path: null)
    try file.write(String(repeating: "gone\n", count: 1 << 20))
    try file.commit()
    #expect(try Self.type(null) == S_IFCHR)
    let failing = try OutputFile(path: full)
    try failing.write("anything\n")
    #expect(throws: OutputError.writeFailed(path: full, reason: "No space left on device")) { try failing.commit() }
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() == ["full", "null"])
  }

  /// Everything readable from `descriptor` until its end; closes it.
  static func readAll(_ descriptor: Int32) -> [UInt8] {
    defer { close(descriptor) }
    var received: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
      let count = read(descriptor, &chunk, chunk.count)
      guard count > 0 else { return received }
      received += chunk[0..<count]
    }
  }

  static func mode(_ path: String) throws -> mode_t {
    var status = stat()
    try #require(stat(path, &status) == 0)
    return status.st_mode & 0o7777
  }

  static func type(_ path: String) throws -> mode_t {
    var status = stat()
    try #require(lstat(path, &status) == 0)
    return status.st_mode & S_IFMT
  }
}

/// Runs a blocking body (opening a FIFO, accepting a connection) on a thread of its
/// own, not on the shared task pool, which blocked threads would starve.
final class BackgroundThread<Result>: @unchecked Sendable {
  private let finished = DispatchSemaphore(value: 0)
  private var result: Result?

  init(_ body: @escaping @Sendable () -> Result) {
    Thread {
      self.result = body()
      self.finished.signal()
    }.start()
  }

  /// The body's result, once it has returned.
  func wait() -> Result {
    finished.wait()
    return result!
  }
}
