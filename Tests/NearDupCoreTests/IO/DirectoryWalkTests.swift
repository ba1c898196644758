import Foundation
import Testing

@testable import NearDupCore

#if canImport(Glibc)
  import Glibc
#endif

@Suite("DirectoryWalk")
struct DirectoryWalkTests {
  /// A corpus directory with documents at the top, below a subdirectory, and through
  /// a symbolic link to a directory outside it.
  func corpus() throws -> TemporaryDirectory {
    let directory = try TemporaryDirectory()
    try directory.write("corpus/a.txt", "first")
    try directory.write("corpus/sub/b.md", "second")
    try directory.write("elsewhere/c.txt", "third")
    #expect(symlink("../elsewhere", directory.file("corpus/linked")) == 0)
    return directory
  }

  func options(skipping: Bool) -> CorpusOptions {
    var options = CorpusOptions()
    options.skipsInvalidRecords = skipping
    return options
  }

  func input(_ path: String, skipping: Bool = false) throws -> CorpusInput {
    try CorpusInput.resolve(path, options: options(skipping: skipping))
  }

  @Test("symbolic links to directories are followed, and documents come out in bytewise order")
  func followsLinks() throws {
    let directory = try corpus()
    let documents = try Harness.read([try input(directory.file("corpus"))])
    #expect(documents.map(\.id) == ["a.txt", "linked/c.txt", "sub/b.md"])
  }

  @Test("a dangling link, a link loop and a link back to a directory above are errors naming them")
  func brokenLinks() throws {
    let cases: [(make: (TemporaryDirectory) -> Int32, entry: String, reason: String)] = [
      (
        { symlink("missing.txt", $0.file("corpus/gone.txt")) }, "gone.txt",
        "dangling symbolic link (its target does not exist)"
      ),
      ({ symlink("self", $0.file("corpus/self")) }, "self", "symbolic link loop"),
      (
        { symlink("..", $0.file("corpus/sub/up")) }, "sub/up",
        "symbolic link loop (it leads back to a directory above it)"
      ),
    ]
    for (make, entry, reason) in cases {
      let directory = try corpus()
      #expect(make(directory) == 0)
      let root = directory.file("corpus")
      let problem = CorpusError.unreadable(path: root + "/" + entry, reason: reason)
      #expect(throws: problem) { try Harness.read([try input(root)]) }
      #expect(throws: problem) { _ = try input(root).directoryListing() }
      // Skipping, the others are read and the entry is counted and named.
      let reader = CorpusReader(inputs: [try input(root, skipping: true)], options: options(skipping: true))
      var batch = DocumentBatch()
      var ids: [String] = []
      while try reader.read(into: &batch, maximumDocuments: 10) { ids += batch.ids }
      #expect(ids == ["a.txt", "linked/c.txt", "sub/b.md"])
      #expect(reader.skippedRecordCount == 1)
      #expect(reader.skippedRecordMessages == [problem.description])
    }
  }

  @Test("a named input that is a dangling link or a loop says so")
  func brokenInputs() throws {
    let directory = try TemporaryDirectory()
    #expect(symlink("nothing.jsonl", directory.file("dangling.jsonl")) == 0)
    #expect(symlink("loop.jsonl", directory.file("loop.jsonl")) == 0)
    #expect(
      throws: CorpusError.unreadable(
        path: directory.file("dangling.jsonl"), reason: "dangling symbolic link (its target does not exist)")
    ) {
      try input(directory.file("dangling.jsonl"))
    }
    #expect(throws: CorpusError.unreadable(path: directory.file("loop.jsonl"), reason: "symbolic link loop")) {
      try input(directory.file("loop.jsonl"))
    }
    #expect(throws: CorpusError.missingPath(path: directory.file("absent.jsonl"))) {
      try input(directory.file("absent.jsonl"))
    }
  }

  @Test("JSON Lines shards below a directory carry the entries skipped beside them to the reader")
  func shardsCarrySkippedEntries() throws {
    let directory = try TemporaryDirectory()
    try directory.write("shards/1.jsonl", #"{"id": "a", "text": "one"}"# + "\n")
    try directory.write("shards/2/2.jsonl", #"{"id": "b", "text": "two"}"# + "\n")
    #expect(symlink("gone.jsonl", directory.file("shards/3.jsonl")) == 0)
    let listing = try input(directory.file("shards")).directoryListing(skippingUnreadable: true)
    #expect(
      listing.jsonLinesShards.map(\.label) == [directory.file("shards/1.jsonl"), directory.file("shards/2/2.jsonl")])
    #expect(
      listing.skipped == [
        .unreadable(
          path: directory.file("shards/3.jsonl"), reason: "dangling symbolic link (its target does not exist)")
      ])
  }

  /// An unreadable subdirectory, as a user without the rights meets it. Root reads
  /// everything, so as root the walk runs in a child process that gives up root
  /// first (to the conventional unprivileged ids 65534).
  @Test("an unreadable subdirectory or file is an error naming it, or skipped and named")
  func unreadableEntries() async throws {
    let directory = try corpus()
    try directory.write("corpus/locked/d.txt", "fourth")
    try directory.write("corpus/secret.txt", "fifth")
    let root = directory.file("corpus")
    #expect(chmod(directory.path, 0o755) == 0)
    #expect(chmod(root + "/locked", 0) == 0)
    #expect(chmod(root + "/secret.txt", 0) == 0)
    defer { chmod(root + "/locked", 0o755) }
    await #expect(processExitsWith: .success) { [root = root as String] in
      if getuid() == 0 {
        guard setgroups(0, nil) == 0, setgid(65534) == 0, setuid(65534) == 0 else { exit(3) }
      }
      var options = CorpusOptions()
      do {
        _ = try CorpusInput.resolve(root, options: options).directoryListing()
        exit(4)
      } catch let error as CorpusError where error == .unreadable(path: root + "/locked", reason: "Permission denied") {
      } catch {
        exit(5)
      }
      options.skipsInvalidRecords = true
      let listing = try CorpusInput.resolve(root, options: options).directoryListing(skippingUnreadable: true)
      guard listing.textDocuments == ["a.txt", "linked/c.txt", "sub/b.md"],
        listing.skipped == [
          .unreadable(path: root + "/locked", reason: "Permission denied"),
          .unreadable(path: root + "/secret.txt", reason: "Permission denied"),
        ]
      else { exit(6) }
    }
  }
}
