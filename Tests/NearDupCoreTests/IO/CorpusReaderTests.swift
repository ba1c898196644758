import Foundation
@testable import NearDupCore
import Testing

@Suite("CorpusReader")
struct CorpusReaderTests {
  func input(_ path: String, lines: Bool = false) throws -> CorpusInput {
    var options = CorpusOptions()
    options.linesAreDocuments = lines
    return try CorpusInput.resolve(path, options: options)
  }

  @Test("JSON Lines: the title is shingled with the body; blank lines, CRLF and a BOM are fine")
  func jsonLines() throws {
    let directory = try TemporaryDirectory()
    let path = try directory.write(
      "a.jsonl",
      "\u{FEFF}{\"id\": \"1\", \"title\": \"Head\", \"text\": \"Body\"}\r\n\n{\"id\": 2, \"text\": \"Only body\", \"title\": null}\n"
    )
    let documents = try Harness.read([try input(path)])
    #expect(documents.map(\.id) == ["1", "2"])
    #expect(documents.map(\.text) == ["Head\nBody", "Only body"])
  }

  @Test("field names are configurable")
  func fieldNames() throws {
    let directory = try TemporaryDirectory()
    let path = try directory.write("a.jsonl", #"{"doc": "x", "body": "hello", "headline": "Hi"}"# + "\n")
    var options = CorpusOptions()
    options.idField = "doc"
    options.textField = "body"
    options.titleField = "headline"
    let documents = try Harness.read([try CorpusInput.resolve(path, options: options)], options: options)
    #expect(documents.map(\.id) == ["x"])
    #expect(documents.map(\.text) == ["Hi\nhello"])
  }

  @Test("a directory yields its .txt and .md files recursively, in sorted order, with relative ids")
  func directory() throws {
    let directory = try TemporaryDirectory()
    try directory.write("b.txt", "second")
    try directory.write("a/z.md", "first")
    try directory.write("a/notes.json", "ignored")
    try directory.write("c.TXT", "third")
    let documents = try Harness.read([try input(directory.path)])
    #expect(documents.map(\.id) == ["a/z.md", "b.txt", "c.TXT"])
    #expect(documents.map(\.text) == ["first", "second", "third"])
  }

  @Test("with --lines every line is a document whose id is its line number")
  func lines() throws {
    let directory = try TemporaryDirectory()
    let path = try directory.write("l.txt", "first line\nsecond line\n\nfourth")
    let documents = try Harness.read([try input(path, lines: true)])
    #expect(documents.map(\.id) == ["1", "2", "3", "4"])
    #expect(documents.map(\.text) == ["first line", "second line", "", "fourth"])
  }

  @Test("gzip-compressed inputs read like plain ones, by content rather than name")
  func gzip() throws {
    let directory = try TemporaryDirectory()
    let plain = "{\"id\": \"g\", \"text\": \"" + String(repeating: "zipped words ", count: 20_000) + "\"}\n"
    let output = try OutputFile(path: directory.file("c.jsonl.gz"))
    try output.write(plain)
    try output.write(plain.replacingOccurrences(of: "\"g\"", with: "\"h\""))
    try output.commit()
    let documents = try Harness.read([try input(directory.file("c.jsonl.gz"))])
    #expect(documents.map(\.id) == ["g", "h"])
    #expect(documents[0].text.count == 13 * 20_000)
    // A gzip file without the .gz name is still recognised.
    try FileManager.default.moveItem(atPath: directory.file("c.jsonl.gz"), toPath: directory.file("c.data"))
    #expect(try Harness.read([try input(directory.file("c.data"))]).map(\.id) == ["g", "h"])
  }

  @Test("a truncated or fake .gz file is a clear error")
  func corruptGzip() throws {
    let directory = try TemporaryDirectory()
    let output = try OutputFile(path: directory.file("c.jsonl.gz"))
    try output.write(String(repeating: "{\"id\": \"x\", \"text\": \"y\"}\n", count: 1000))
    try output.commit()
    let data = try Data(contentsOf: URL(fileURLWithPath: directory.file("c.jsonl.gz")))
    let truncated = try directory.write("t.jsonl.gz", data.prefix(data.count / 2))
    #expect(throws: CorpusError.self) { try Harness.read([try input(truncated)]) }
    let fake = try directory.write("f.jsonl.gz", "not gzip at all")
    #expect(throws: CorpusError.corruptCompressedData(path: fake, reason: "not in gzip format (no gzip header)")) {
      try Harness.read([try input(fake)])
    }
  }

  @Test("a malformed line names file, line and problem")
  func malformedLine() throws {
    let directory = try TemporaryDirectory()
    let path = try directory.write("m.jsonl", "{\"id\": \"1\", \"text\": \"ok\"}\n{\"id\": \"2\", \"text\": \"bad}\n")
    #expect(
      throws: CorpusError.malformedLine(path: path, line: 2, reason: "invalid JSON: unterminated string (column 26)")
    ) {
      try Harness.read([try input(path)])
    }
    #expect("\(CorpusError.malformedLine(path: path, line: 2, reason: "r"))" == "\(path):2: r")
  }

  @Test(
    "a record without the text field, or with text of the wrong type, is an error",
    arguments: [
      (#"{"id": "1"}"#, #"record has no "text" field (name the text field with --text-field)"#),
      (#"{"id": "1", "text": 5}"#, #"field "text" is a number; expected a string"#),
      (#"{"text": "x"}"#, #"record has no "id" field (name the id field with --id-field)"#),
      (#"{"id": "", "text": "x"}"#, #"field "id" is empty"#),
    ])
  func missingFields(line: String, reason: String) throws {
    let directory = try TemporaryDirectory()
    let path = try directory.write("m.jsonl", line + "\n")
    #expect(throws: CorpusError.malformedLine(path: path, line: 1, reason: reason)) {
      try Harness.read([try input(path)])
    }
  }

  @Test("duplicate ids are an error naming both lines, also across inputs")
  func duplicateIDs() throws {
    let directory = try TemporaryDirectory()
    let first = try directory.write("a.jsonl", "{\"id\": \"x\", \"text\": \"1\"}\n{\"id\": \"y\", \"text\": \"2\"}\n")
    let second = try directory.write("b.jsonl", "{\"id\": \"z\", \"text\": \"3\"}\n{\"id\": \"y\", \"text\": \"4\"}\n")
    let expected = CorpusError.duplicateID(id: "y", path: second, line: 2, firstPath: first, firstLine: 2)
    #expect(throws: expected) { try Harness.read([try input(first), try input(second)]) }
    #expect(expected.description == "\(second):2: duplicate id \"y\", first used at \(first):2")
  }

  @Test("with skipping, invalid records are counted and the rest is read")
  func skipping() throws {
    let directory = try TemporaryDirectory()
    let path = try directory.write(
      "s.jsonl",
      "{\"id\": \"1\", \"text\": \"a\"}\nnot json\n{\"id\": \"1\", \"text\": \"dup\"}\n{\"id\": \"2\", \"text\": \"b\"}\n"
    )
    var options = CorpusOptions()
    options.skipsInvalidRecords = true
    let reader = CorpusReader(inputs: [try input(path)], options: options)
    var batch = DocumentBatch()
    var ids: [String] = []
    while try reader.read(into: &batch, maximumDocuments: 10) { ids += batch.ids }
    #expect(ids == ["1", "2"])
    #expect(reader.skippedRecordCount == 2)
    #expect(reader.skippedRecordMessages.first?.hasPrefix("\(path):2: invalid JSON") == true)
  }

  @Test("a batch that keeps no previews reads the same documents, each with an empty preview")
  func batchWithoutPreviews() throws {
    // Corpus/ (every record has a title) and records without one.
    let directory = try TemporaryDirectory()
    let untitled = try directory.write(
      "untitled.jsonl",
      "{\"id\": \"u1\", \"text\": \"North Korea's top diplomat\"}\n{\"id\": \"u2\", \"text\": \"in Moscow\"}\n")
    func read(keepsPreviews: Bool) throws -> [DocumentBatch] {
      let reader = CorpusReader(inputs: [try input(Fixtures.corpus), try input(untitled)], options: CorpusOptions())
      var batch = DocumentBatch()
      batch.keepsPreviews = keepsPreviews
      var batches: [DocumentBatch] = []
      while try reader.read(into: &batch, maximumDocuments: 50) { batches.append(batch) }
      return batches
    }
    let kept = try read(keepsPreviews: true)
    let dropped = try read(keepsPreviews: false)
    #expect(dropped.map(\.ids) == kept.map(\.ids))
    #expect(dropped.map(\.content) == kept.map(\.content))
    #expect(dropped.map(\.titleLengths) == kept.map(\.titleLengths))
    #expect(kept.allSatisfy { $0.previews.allSatisfy { !$0.isEmpty } })
    #expect(dropped.allSatisfy { $0.previews.count == $0.count && $0.previews.allSatisfy(\.isEmpty) })
  }

  @Test("missing paths, empty directories and binary files are clear errors")
  func badPaths() throws {
    let directory = try TemporaryDirectory()
    #expect(throws: CorpusError.missingPath(path: directory.file("nope.jsonl"))) {
      try input(directory.file("nope.jsonl"))
    }
    let empty = directory.file("empty")
    try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
    try directory.write("empty/data.bin", "x")
    #expect(throws: CorpusError.emptyDirectory(path: empty)) { try Harness.read([try input(empty)]) }
    let binary = try directory.write("b.jsonl", Data([0x7B, 0x00, 0x01, 0x02, 0xFF]))
    #expect(throws: CorpusError.binaryFile(path: binary)) { try Harness.read([try input(binary)]) }
  }

  @Test("no documents at all is an error")
  func noDocuments() throws {
    let directory = try TemporaryDirectory()
    let path = try directory.write("e.jsonl", "\n\n")
    let configuration = try ClusterConfiguration(threads: 1)
    #expect(throws: CorpusError.noDocuments(paths: [path])) { try Harness.cluster(path, configuration) }
  }

  @Test("batches split anywhere give the same documents")
  func batchSizes() throws {
    let all = try Harness.read([try input(Fixtures.corpus)])
    let reader = CorpusReader(inputs: [try input(Fixtures.corpus)], options: CorpusOptions())
    var batch = DocumentBatch()
    var ids: [String] = []
    while try reader.read(into: &batch, maximumDocuments: 1000, maximumBytes: 5000) { ids += batch.ids }
    #expect(ids == all.map(\.id))
    #expect(all.count == 186)
  }

  @Test("runs of empty lines are passed over with every line still counted", arguments: [1, 3, 200_000])
  func emptyLineRuns(run: Int) throws {
    let directory = try TemporaryDirectory()
    // 2·run + 1 empty lines; the "\n" after each record ends it, so the gaps after
    // the second record and before the broken one add 2·run and 1 lines.
    let gap = String(repeating: "\n", count: run) + "\r\n" + String(repeating: "\n", count: run)
    let path = try directory.write(
      "gaps.jsonl",
      gap + #"{"id": "a", "text": "one"}"# + "\n" + gap + #"{"id": "b", "text": "two"}"# + gap + "\n{broken\n")
    let reader = CorpusReader(inputs: [try input(path)], options: CorpusOptions())
    var batch = DocumentBatch()
    #expect(
      throws: CorpusError.malformedLine(
        path: path, line: 6 * run + 6, reason: "invalid JSON: expected a field name in double quotes (column 2)")
    ) {
      while try reader.read(into: &batch, maximumDocuments: 1) {}
    }
    let documents = try Harness.read([
      try input(directory.write("ok.jsonl", gap + #"{"id": "a", "text": "one"}"# + gap))
    ])
    #expect(documents.map(\.id) == ["a"])
  }

  @Test("a document over the limit is an error with its size, or skipped and counted; files are measured decompressed")
  func documentLimit() throws {
    let directory = try TemporaryDirectory()
    let long = String(repeating: "word ", count: 100)  // 500 bytes
    let lines = [
      #"{"id": "a", "text": "short"}"#, #"{"id": "b", "text": "\#(long)"}"#, #"{"id": "c", "text": "fine"}"#,
    ]
    let path = try directory.write("docs.jsonl", lines.joined(separator: "\n") + "\n")
    let textFile = try directory.write("dir/big.txt", long)
    try directory.write("dir/small.txt", "small")
    var options = CorpusOptions()
    options.maximumDocumentBytes = 100
    #expect(throws: CorpusError.oversizedRecord(path: path, line: 2, bytes: lines[1].utf8.count, limit: 100)) {
      try Harness.read([try CorpusInput.resolve(path, options: options)], options: options)
    }
    #expect(throws: CorpusError.oversizedRecord(path: textFile, line: 0, bytes: 500, limit: 100)) {
      try Harness.read([try CorpusInput.resolve(directory.file("dir"), options: options)], options: options)
    }
    let compressed = try OutputFile(path: directory.file("big.txt.gz"))
    try compressed.write(long)
    try compressed.commit()
    #expect(throws: CorpusError.oversizedRecord(path: directory.file("big.txt.gz"), line: 0, bytes: 500, limit: 100)) {
      try Harness.read([try CorpusInput.resolve(directory.file("big.txt.gz"), options: options)], options: options)
    }
    options.skipsInvalidRecords = true
    let reader = CorpusReader(
      inputs: [
        try CorpusInput.resolve(path, options: options),
        try CorpusInput.resolve(directory.file("dir"), options: options),
      ],
      options: options)
    var batch = DocumentBatch()
    var ids: [String] = []
    while try reader.read(into: &batch, maximumDocuments: 10) { ids += batch.ids }
    #expect(ids == ["a", "c", "small.txt"])
    #expect(reader.skippedRecordCount == 2)
    #expect(
      reader.skippedRecordMessages.map { $0.prefix(while: { $0 != "(" }) } == [
        "\(path):2: document of \(lines[1].utf8.count) bytes exceeds the limit of 100 bytes ",
        "\(textFile): document of 500 bytes exceeds the limit of 100 bytes ",
      ])
  }

  @Test("a document of exactly the limit is accepted")
  func documentAtLimit() throws {
    let directory = try TemporaryDirectory()
    let line = #"{"id": "a", "text": "\#(String(repeating: "x", count: 74))"}"#  // 100 bytes
    let path = try directory.write("edge.jsonl", line + "\r\n")
    var options = CorpusOptions()
    options.maximumDocumentBytes = line.utf8.count + 1  // the "\r" counts
    #expect(try Harness.read([try CorpusInput.resolve(path, options: options)], options: options).map(\.id) == ["a"])
    options.maximumDocumentBytes = line.utf8.count
    #expect(throws: CorpusError.self) {
      try Harness.read([try CorpusInput.resolve(path, options: options)], options: options)
    }
  }
}
