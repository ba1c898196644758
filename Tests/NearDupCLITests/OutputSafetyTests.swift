import Foundation
import NearDupCore
import Testing

@testable import NearDupCLI

#if canImport(Glibc)
  import Glibc
#endif

/// What `neardup` does to the paths it is given: outputs that are not regular
/// files stay what they are, errors name the path, documents over the limit are
/// named.
@Suite("neardup outputs and input limits")
struct OutputSafetyTests: CommandLineTesting {
  static let corpus = ClusterCommandTests.corpus

  @Test("an output through a symbolic link writes the link's target and keeps the link")
  func symbolicLinkOutput() throws {
    let scratch = try TemporaryDirectory()
    try scratch.write("target.jsonl", "old\n")
    #expect(symlink("target.jsonl", scratch.file("clusters.jsonl")) == 0)
    try run(["cluster", Self.corpus, "-q", "-o", scratch.file("clusters.jsonl")])
    #expect(try FileManager.default.destinationOfSymbolicLink(atPath: scratch.file("clusters.jsonl")) == "target.jsonl")
    #expect(try scratch.read("target.jsonl").hasPrefix("{\"cluster\": 1,"))
  }

  @Test(
    "several outputs may share a character device, which stays a device",
    .enabled(if: getuid() == 0, "making device nodes with mknod needs root (CI runs as root)"))
  func deviceOutputs() throws {
    let scratch = try TemporaryDirectory()
    let null = scratch.file("null")
    #expect(mknod(null, S_IFCHR | 0o666, dev_t(1 << 8 | 3)) == 0)
    try run(["cluster", Self.corpus, "-q", "-o", null, "--pairs", null, "--dedup-output", null])
    var status = stat()
    #expect(lstat(null, &status) == 0)
    #expect(status.st_mode & S_IFMT == S_IFCHR)
    let full = scratch.file("full")
    #expect(mknod(full, S_IFCHR | 0o666, dev_t(1 << 8 | 7)) == 0)
    let failure = failure(["cluster", Self.corpus, "-q", "-o", full])
    #expect(failure?.code == 1)
    #expect(failure?.message == "\(full): write failed: No space left on device")
  }

  @Test("a closed standard output ends the run with exit 1 and a message, not a signal")
  func closedStandardOutput() throws {
    for arguments in [["cluster", Self.corpus], ["cluster", Self.corpus, "-q", "-o", "-"]] {
      let process = Process()
      process.executableURL = URL(fileURLWithPath: Executable.path)
      process.arguments = arguments
      // A pipe whose read end is closed before the process starts, and never
      // inherited by processes other tests start meanwhile (close-on-exec): no
      // process holds it, so every write fails with EPIPE.
      var ends: [Int32] = [0, 0]
      #expect(pipe(&ends) == 0)
      #expect(fcntl(ends[0], F_SETFD, FD_CLOEXEC) == 0)
      close(ends[0])
      let output = FileHandle(fileDescriptor: ends[1], closeOnDealloc: true)
      let errors = Pipe()
      process.standardOutput = output
      process.standardError = errors
      try process.run()
      let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
      process.waitUntilExit()
      #expect(process.terminationReason == .exit)
      #expect(process.terminationStatus == 1)
      #expect(message.hasPrefix("Error: standard output: write failed"))
    }
  }

  @Test("--max-document-bytes takes sizes with binary suffixes and names documents over it")
  func documentLimit() throws {
    #expect(ByteCount(argument: "64M")?.value == 64 << 20)
    #expect(ByteCount(argument: "2KiB")?.value == 2048)
    #expect(ByteCount(argument: "1g")?.value == 1 << 30)
    #expect(ByteCount(argument: "1500")?.value == 1500)
    #expect(ByteCount(argument: "0") == nil)
    #expect(ByteCount(argument: "many") == nil)
    #expect(ByteCount(64 << 20).description == "64M")
    let usage = failure(["cluster", Self.corpus, "--max-document-bytes", "lots"])
    #expect(usage?.code == 64)

    let scratch = try TemporaryDirectory()
    let input = try scratch.write(
      "in.jsonl",
      #"{"id": "a", "text": "short"}"# + "\n" + #"{"id": "b", "text": "\#(String(repeating: "long ", count: 400))"}"#
        + "\n")
    let refused = failure(["cluster", input, "--max-document-bytes", "1K"])
    #expect(refused?.code == 1)
    #expect(
      refused?.message
        == "\(input):2: document of 2023 bytes exceeds the limit of 1 KiB (raise it with --max-document-bytes, or skip such documents with --skip-invalid)"
    )
    let skipped = try Executable.run([
      "cluster", input, "--max-document-bytes", "1K", "--skip-invalid", "--report", "json",
    ])
    #expect(skipped.status == 0)
    let report = try #require(try JSONSerialization.jsonObject(with: skipped.output) as? [String: Any])
    #expect(report["documents"] as? Int == 1)
    #expect(report["skipped"] as? Int == 1)
    #expect((report["skipped_messages"] as? [String])?.first?.hasPrefix("\(input):2: document of 2023 bytes") == true)
  }
}
