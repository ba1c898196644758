import ArgumentParser
import Foundation
import NearDupCore
import Testing

@testable import NearDupCLI

/// The `neardup` executable built beside the tests, for tests that need a process.
enum Executable {
  static var path: String {
    let candidates = [
      Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("neardup").path,
      Bundle.main.bundleURL.appendingPathComponent("neardup").path,
      URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent(".build/debug/neardup").path,
    ]
    return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates.last!
  }

  /// Runs `neardup arguments` to the end; returns its exit status and standard
  /// output (standard error discarded).
  static func run(_ arguments: [String]) throws -> (status: Int32, output: Data) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, data)
  }

  /// Starts `neardup arguments` with its output discarded.
  static func start(_ arguments: [String]) throws -> Process {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    return process
  }
}

@Suite("neardup index and query")
struct IndexCommandTests: CommandLineTesting {
  static let corpus = ClusterCommandTests.corpus
  static let reuters = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/corpora/reuters21578.jsonl")
    .path

  /// Writes the first `count` records of Corpus/ (or those from `start`) to a file.
  func corpusSlice(_ scratch: TemporaryDirectory, _ name: String, _ range: Range<Int>) throws -> String {
    let lines = try String(contentsOfFile: Self.corpus, encoding: .utf8).split(separator: "\n")
    return try scratch.write(name, lines[range].joined(separator: "\n") + "\n")
  }

  /// The answers of `neardup query --format jsonl --exact` to the queries in
  /// `queries` (default: all of Corpus/).
  func answers(_ index: String, _ scratch: TemporaryDirectory, queries: String = Self.corpus) throws -> String {
    let output = scratch.file("answers-\(UUID().uuidString).jsonl")
    let process = Process()
    process.executableURL = URL(fileURLWithPath: Executable.path)
    process.arguments = ["query", "--index", index, "--format", "jsonl", "--exact", queries]
    #expect(FileManager.default.createFile(atPath: output, contents: nil))
    process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
    try process.run()
    process.waitUntilExit()
    #expect(process.terminationStatus == 0)
    return try String(contentsOfFile: output, encoding: .utf8)
  }

  @Test("build, stats, query and cluster --index from the command line")
  func commandLine() throws {
    let scratch = try TemporaryDirectory()
    let index = scratch.file("idx")
    try run(["index", "build", Self.corpus, "--index", index, "-q"])
    #expect(
      failure(["index", "build", Self.corpus, "--index", index])?.message.contains("an index exists already") == true)

    // cluster --index gives the clusters of cluster on the same documents.
    try run(["cluster", "--index", index, "-q", "-o", scratch.file("from-index.jsonl")])
    try run(["cluster", Self.corpus, "-q", "-o", scratch.file("from-corpus.jsonl")])
    #expect(try scratch.read("from-index.jsonl") == scratch.read("from-corpus.jsonl"))

    // Conflicting flags are errors naming the stored value.
    let conflict = failure(["index", "add", Self.corpus, "--index", index, "--ngram", "3"])
    #expect(conflict?.code == 1)
    #expect(
      conflict?.message
        == "\(index): built with --ngram 5, but --ngram 3 was given (drop the option, or rebuild the index)")
    #expect(failure(["cluster", "--index", index, "--measure", "jaccard"])?.message.contains("--measure") == true)

    // Adding the same ids again is refused; removing and compacting work.
    #expect(
      failure(["index", "add", Self.corpus, "--index", index])?.message
        == "\(Self.corpus):1: id \"choe-lavrov-01\" is already in the index \(index) (add --replace to replace it)")
    try run(["index", "remove", "--index", index, "choe-lavrov-01", "choe-lavrov-02", "-q"])
    #expect(
      failure(["index", "remove", "--index", index, "choe-lavrov-01"])?.message.contains("no document with id") == true)
    try run(["index", "compact", "--index", index, "-q"])
    let view = try LSHIndex.open(index)
    #expect(view.documentCount == 184)
    #expect(view.segments.count == 1)
  }

  @Test("query output as JSON Lines, with --top and --exact")
  func queryFormats() throws {
    let scratch = try TemporaryDirectory()
    let index = scratch.file("idx")
    try run(["index", "build", Self.corpus, "--index", index, "-q"])
    let lines = try answers(index, scratch).split(separator: "\n")
    #expect(lines.count == 186)
    let first = try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as! [String: Any]
    let matches = first["matches"] as! [[String: Any]]
    #expect(first["query"] as? String != nil)
    #expect(matches.first?["id"] as? String == first["query"] as? String)
    #expect(matches.first?["exact"] as? Double == 1)
    #expect(matches.allSatisfy { $0["jaccard"] is Double && $0["containment"] is Double })
    #expect(QueryPrinter.jsonLine(queryID: "q", matches: [], exact: true) == #"{"query": "q", "matches": []}"#)
  }

  @Test(
    "an index survives a writer killed at any point of `index add`",
    .enabled(
      if: FileManager.default.fileExists(atPath: Self.reuters),
      "needs ../shared/ (the shared corpora) beside the repository; CI has it"))
  func crashSafety() throws {
    #expect(
      FileManager.default.isExecutableFile(atPath: Executable.path),
      "neardup executable not found at \(Executable.path)")
    let scratch = try TemporaryDirectory()
    let base = scratch.file("base")
    try run(["index", "build", try corpusSlice(scratch, "a.jsonl", 0..<120), "--index", base, "-q"])
    // A larger addition, so that a kill lands in sketching, writing or committing.
    let lines = try String(contentsOfFile: Self.reuters, encoding: .utf8).split(separator: "\n")
    let addition = try scratch.write("b.jsonl", lines.prefix(1500).joined(separator: "\n") + "\n")
    // Queries that the addition changes: stored documents and added ones.
    let corpusLines = try String(contentsOfFile: Self.corpus, encoding: .utf8).split(separator: "\n")
    let queries = try scratch.write(
      "q.jsonl", (corpusLines.prefix(40) + lines.prefix(40)).joined(separator: "\n") + "\n")
    let before = try answers(base, scratch, queries: queries)

    let complete = scratch.file("complete")
    try FileManager.default.copyItem(atPath: base, toPath: complete)
    let start = Date()
    let full = try Executable.start(["index", "add", addition, "--index", complete])
    full.waitUntilExit()
    let duration = Date().timeIntervalSince(start)
    #expect(full.terminationStatus == 0)
    let after = try answers(complete, scratch, queries: queries)
    #expect(before != after)

    var outcomes: [String] = []
    for fraction in [0.05, 0.3, 0.5, 0.6, 0.65, 0.7, 0.75, 0.8, 0.9, 1.0] {
      let copy = scratch.file("kill-\(fraction)")
      try FileManager.default.copyItem(atPath: base, toPath: copy)
      let process = try Executable.start(["index", "add", addition, "--index", copy])
      Thread.sleep(forTimeInterval: duration * fraction)
      kill(process.processIdentifier, SIGKILL)
      process.waitUntilExit()
      let answer = try answers(copy, scratch, queries: queries)
      #expect(
        answer == before || answer == after,
        "index killed at \(fraction) of the add answers neither as before nor after")
      outcomes.append(answer == before ? "before" : "after")
      // The next writer cleans up and can add again.
      let writer = try IndexWriter(opening: copy)
      #expect(writer.index.documentCount == (answer == before ? 120 : 1620))
    }
    print("crash outcomes by kill time: \(outcomes)")
    #expect(outcomes.contains("before"))
  }
}
