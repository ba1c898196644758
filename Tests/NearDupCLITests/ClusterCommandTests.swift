import ArgumentParser
import Foundation
import NearDupCore
import Testing

@testable import NearDupCLI

/// Runs `neardup` command lines in process, as the executable would.
protocol CommandLineTesting {}

extension CommandLineTesting {
  /// Parses and runs a command line, as `neardup` would.
  func run(_ arguments: [String]) throws {
    var command = try NearDup.parseAsRoot(arguments)
    try command.run()
  }

  /// The exit code and message `neardup` would print for the failure of `arguments`.
  func failure(_ arguments: [String]) -> (code: Int32, message: String)? {
    do {
      try run(arguments)
      return nil
    } catch {
      return (NearDup.exitCode(for: error).rawValue, NearDup.message(for: error))
    }
  }
}

@Suite("neardup cluster")
struct ClusterCommandTests: CommandLineTesting {
  static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Corpus/news.jsonl").path

  @Test("with no INPUT it clusters Corpus/ and writes clusters, pairs and a deduplicated copy")
  func defaultCorpus() throws {
    let scratch = try TemporaryDirectory()
    try run([
      "cluster", "--quiet", "--output", scratch.file("c.jsonl"), "--pairs", scratch.file("p.jsonl"),
      "--dedup-output", scratch.file("d.jsonl"),
    ])
    let clusters = try scratch.read("c.jsonl").split(separator: "\n")
    #expect(clusters.count == 41)
    let corpusLines = try String(contentsOfFile: Self.corpus, encoding: .utf8).split(separator: "\n")
    let kept = try scratch.read("d.jsonl").split(separator: "\n")
    #expect(kept.count == 60)
    // Records are copied unchanged, in input order.
    #expect(kept.allSatisfy { corpusLines.contains($0) })
    #expect(kept == corpusLines.filter { kept.contains($0) })
    #expect(try scratch.read("p.jsonl").split(separator: "\n").count >= 126)
  }

  @Test("CSV output has one row per member")
  func csv() throws {
    let scratch = try TemporaryDirectory()
    try run(["cluster", Self.corpus, "-q", "--format", "csv", "-o", scratch.file("c.csv"), "--singletons"])
    let rows = try scratch.read("c.csv").split(separator: "\n")
    #expect(rows.first == "cluster,id,similarity,representative")
    #expect(rows.count == 187)
  }

  @Test("a directory of JSON Lines shards is read as those shards, not as its text files")
  func directoryOfShards() throws {
    let scratch = try TemporaryDirectory()
    let lines = try String(contentsOfFile: Self.corpus, encoding: .utf8).split(separator: "\n")
    try FileManager.default.createDirectory(atPath: scratch.file("corpus/part"), withIntermediateDirectories: true)
    try scratch.write("corpus/a.jsonl", lines[..<100].joined(separator: "\n") + "\n")
    try scratch.write("corpus/part/b.ndjson", lines[100...].joined(separator: "\n") + "\n")
    try scratch.write("corpus/README.md", "About this corpus: news stories and their copies.\n")
    try run(["cluster", scratch.file("corpus"), "-q", "--format", "csv", "-o", scratch.file("c.csv"), "--singletons"])
    let rows = try scratch.read("c.csv").split(separator: "\n").dropFirst()
    #expect(rows.count == lines.count)
    #expect(!rows.contains { $0.contains("README") })
    // Without shards, the same directory is a directory of text documents.
    try FileManager.default.removeItem(atPath: scratch.file("corpus/a.jsonl"))
    try FileManager.default.removeItem(atPath: scratch.file("corpus/part"))
    try run(["cluster", scratch.file("corpus"), "-q", "--format", "csv", "-o", scratch.file("d.csv"), "--singletons"])
    #expect(
      try scratch.read("d.csv").split(separator: "\n").dropFirst().map { $0.split(separator: ",")[1] } == ["README.md"])
  }

  @Test("--lines deduplicates a text file line by line")
  func linesDedup() throws {
    let scratch = try TemporaryDirectory()
    let lines = [
      "The central bank raised interest rates by a quarter point on Thursday to fight inflation",
      "Spam-The central bank raised interest rates by a quarter point on Thursday to fight inflation",
      "A different line about the weather turning cold across the north this weekend",
    ]
    let input = try scratch.write("in.txt", lines.joined(separator: "\n") + "\n")
    try run(["cluster", input, "--lines", "-q", "--dedup-output", scratch.file("out.txt")])
    #expect(try scratch.read("out.txt") == lines[1] + "\n" + lines[2] + "\n")
  }

  @Test(
    "invalid options are usage errors with exit code 64",
    arguments: [
      (["--threshold", "0"], "--threshold"),
      (["--threshold", "1.5"], "--threshold"),
      (["--ngram", "0"], "--ngram"),
      (["--bands", "20", "--rows", "7"], "--permutations"),
      (["--permutations", "0"], "--permutations"),
      (["--threads", "0"], "--threads"),
      (["--threads", "9223372036854775807"], "--threads"),  // once a trap allocating per-thread state
      (["--bands", "4294967296", "--rows", "4294967296"], "--permutations"),  // once a trap in bands × rows
      (["--shingle", "sentence"], "shingle"),
    ])
  func usageErrors(arguments: [String], mentions: String) {
    let result = failure(["cluster", Self.corpus] + arguments)
    #expect(result?.code == 64)
    #expect(result?.message.contains(mentions) == true)
  }

  @Test("an output path equal to an input path is refused before any work")
  func outputOverInput() throws {
    let scratch = try TemporaryDirectory()
    let input = try scratch.write("in.jsonl", "{\"id\": \"a\", \"text\": \"x\"}\n")
    for flag in ["--output", "--pairs", "--dedup-output"] {
      let result = failure(["cluster", input, flag, input])
      #expect(result?.code == 64)
      #expect(result?.message.contains("never overwrites its input") == true)
    }
    #expect(try scratch.read("in.jsonl") == "{\"id\": \"a\", \"text\": \"x\"}\n")
  }

  @Test("a malformed line fails with file:line and exit code 1, leaving no output behind")
  func malformedInput() throws {
    let scratch = try TemporaryDirectory()
    let input = try scratch.write("in.jsonl", "{\"id\": \"a\", \"text\": \"x\"}\n{\"id\": \"b\" \"text\": \"y\"}\n")
    let result = failure(["cluster", input, "-o", scratch.file("out.jsonl")])
    #expect(result?.code == 1)
    #expect(result?.message == "\(input):2: invalid JSON: expected ',' or '}' after the value of \"id\" (column 12)")
    #expect(!scratch.exists("out.jsonl"))
    #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path) == ["in.jsonl"])
    // With --skip-invalid the run goes on.
    try run(["cluster", input, "-q", "--skip-invalid", "-o", scratch.file("out.jsonl")])
    #expect(scratch.exists("out.jsonl"))
  }

  @Test("missing paths, duplicate ids and binary files are errors with exit code 1")
  func inputErrors() throws {
    let scratch = try TemporaryDirectory()
    #expect(
      failure(["cluster", scratch.file("missing.jsonl")])?.message
        == "\(scratch.file("missing.jsonl")): no such file or directory")
    let duplicate = try scratch.write("d.jsonl", "{\"id\": \"a\", \"text\": \"x\"}\n{\"id\": \"a\", \"text\": \"y\"}\n")
    let result = failure(["cluster", duplicate])
    #expect(result?.code == 1)
    #expect(result?.message == "\(duplicate):2: duplicate id \"a\", first used at \(duplicate):1")
    try Data([0, 1, 2, 3]).write(to: URL(fileURLWithPath: scratch.file("bin.jsonl")))
    #expect(failure(["cluster", scratch.file("bin.jsonl")])?.message.contains("binary file") == true)
    try FileManager.default.createDirectory(atPath: scratch.file("empty"), withIntermediateDirectories: false)
    #expect(failure(["cluster", scratch.file("empty")])?.message.contains("holds no .txt or .md") == true)
  }

  @Test(
    "previews are kept only for a text report that lists clusters",
    arguments: [
      ([String](), true), (["--top", "3"], true), (["-q"], false), (["--report", "json"], false),
      (["--top", "0"], false),
    ])
  func previewsKeptForTextReport(flags: [String], shown: Bool) throws {
    let command = try #require(try NearDup.parseAsRoot(["cluster", Self.corpus] + flags) as? NearDup.Cluster)
    #expect(command.reportShowsPreviews == shown)
  }

  @Test("values are kept until exit only in the executable, which turns keeping on")
  func teardownOffInTests() {
    final class Probe: Sendable {}
    weak var probe: Probe?
    do {
      let value = Probe()
      probe = value
      ProcessTeardown.keepUntilExit(value)
    }
    #expect(probe == nil)
  }

  @Test("the report names the LSH choice, the stages and the largest clusters")
  func report() throws {
    let configuration = try ClusterConfiguration(threads: 1)
    let input = try CorpusInput.resolve(Self.corpus, options: CorpusOptions())
    let result = try ClusterPipeline(configuration: configuration).run(
      reader: CorpusReader(inputs: [input], options: CorpusOptions()))
    let text = ClusterReport(result: result, clusterLimit: 2, memberLimit: 3).text
    #expect(text.contains("186 read, 0 skipped"))
    #expect(text.contains("41 clusters hold 167 documents; deduplication removes 126"))
    #expect(text.contains("expected recall at"))
    #expect(text.contains("#2"))
    #expect(!text.contains("#3"))
    #expect(text.contains("… and 39 more clusters"))
  }
}
