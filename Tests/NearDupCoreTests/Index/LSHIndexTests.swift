import Foundation
import Testing

@testable import NearDupCore

@Suite("LSHIndex")
struct LSHIndexTests {
  /// The Corpus/ documents as (id, text).
  static func corpusDocuments() throws -> [Document] {
    try Fixtures.records(Fixtures.corpus).map { record in
      Document(id: record["id"] as! String, text: (record["title"] as! String) + "\n" + (record["text"] as! String))
    }
  }

  static let configuration = try! ClusterConfiguration(threads: 2)

  static func sketch(_ documents: [Document]) -> SketchedCorpus {
    CorpusSketcher(parameters: configuration.sketch, threads: 2, retention: .fingerprints).sketch(documents: documents)
  }

  static func build(_ documents: [Document], at path: String) throws -> IndexWriter {
    try IndexWriter(creating: path, corpus: sketch(documents), parameters: IndexParameters(configuration))
  }

  /// Every query's matches as comparable strings.
  static func answers(_ index: LSHIndex, _ queries: [Document]) throws -> [[String]] {
    var querier = IndexQuerier(index: index)
    return try queries.map { query in
      try querier.query(text: query.text, options: QueryOptions()).map {
        "\($0.id) \($0.jaccard) \($0.exactJaccard) \($0.containment ?? -1)"
      }
    }
  }

  @Test("a built index finds the copies of a story and stores its parameters")
  func buildAndQuery() throws {
    let directory = try TemporaryDirectory()
    let documents = try Self.corpusDocuments()
    _ = try Self.build(documents, at: directory.path)
    let index = try LSHIndex.open(directory.path)
    #expect(index.documentCount == documents.count)
    #expect(index.parameters == IndexParameters(Self.configuration))
    var querier = IndexQuerier(index: index)
    let seed = documents.first { $0.id == "choe-lavrov-02" }!
    let matches = try querier.query(text: seed.text, options: QueryOptions())
    // The re-spammed copy (03) contains most of the clean copy too: containment index.
    #expect(
      Set(matches.map(\.id)) == [
        "choe-lavrov-01", "choe-lavrov-02", "choe-lavrov-03", "choe-lavrov-04", "choe-lavrov-05",
      ])
    #expect(matches.first?.id == "choe-lavrov-02")
    #expect(matches.first?.exactJaccard == 1)
    // --top returns the most similar, ranked, whatever the threshold.
    let top = try querier.query(text: seed.text, options: QueryOptions(top: 5))
    #expect(top.count == 5)
    #expect(top.map(\.similarity) == top.map(\.similarity).sorted(by: >))
    #expect(try querier.query(text: "", options: QueryOptions()).isEmpty)
    #expect(try index.document(withID: "choe-lavrov-03")?.preview.hasPrefix("Zentrixa") == true)
    #expect(try index.document(withID: "no-such-id") == nil)
  }

  @Test("build, then add, remove and compact answers exactly as a fresh build of the final documents")
  func incrementalEqualsFresh() throws {
    let documents = try Self.corpusDocuments()
    let first = Array(documents[..<90])
    let second = Array(documents[90..<150])
    let third = Array(documents[150...])
    let removed = [documents[3].id, documents[100].id, documents[170].id, documents[120].id]
    let incremental = try TemporaryDirectory()
    let writer = try Self.build(first, at: incremental.path)
    writer.maximumSegments = 2
    try writer.add(Self.sketch(second))
    try writer.remove(ids: Array(removed.prefix(2)))
    try writer.add(Self.sketch(third))  // a third segment: the newest ones merge
    #expect(writer.index.segments.count <= 2)
    try writer.remove(ids: Array(removed.dropFirst(2)))
    let queries = documents.enumerated().filter { $0.offset % 7 == 0 }.map(\.element)
    let beforeCompaction = try Self.answers(writer.index, queries)
    try writer.compact()
    #expect(writer.index.segments.count == 1)
    #expect(writer.index.tombstones.isEmpty)

    let fresh = try TemporaryDirectory()
    let finalDocuments = documents.filter { !removed.contains($0.id) }
    let freshIndex = try Self.build(finalDocuments, at: fresh.path).index
    let expected = try Self.answers(freshIndex, queries)
    #expect(try Self.answers(writer.index, queries) == expected)
    #expect(beforeCompaction == expected)
    #expect(writer.index.documentCount == finalDocuments.count)
    // Removed documents are gone, also by id.
    for id in removed { #expect(try writer.index.document(withID: id) == nil) }
  }

  @Test("adding an id that exists is an error unless replacing, which replaces the stored document")
  func duplicatesAndReplace() throws {
    let directory = try TemporaryDirectory()
    let documents = try Self.corpusDocuments()
    let writer = try Self.build(Array(documents[..<20]), at: directory.path)
    let changed = [
      Document(id: documents[0].id, text: "A completely new text about the harvest festival in the valley this year")
    ]
    #expect(throws: IndexFileError.duplicateID(path: directory.path, id: documents[0].id)) {
      try writer.add(Self.sketch(changed))
    }
    #expect(writer.index.generation == 1)
    #expect(try writer.add(Self.sketch(changed), replacing: true) == 1)
    #expect(writer.index.documentCount == 20)
    var querier = IndexQuerier(index: writer.index)
    #expect(try querier.query(text: changed[0].text, options: QueryOptions()).map(\.id) == [documents[0].id])
    #expect(throws: IndexFileError.unknownID(path: directory.path, id: "nope")) { try writer.remove(ids: ["nope"]) }
  }

  @Test("a view opened before a change keeps answering from its own generation")
  func consistentViews() throws {
    let directory = try TemporaryDirectory()
    let documents = try Self.corpusDocuments()
    let writer = try Self.build(Array(documents[..<60]), at: directory.path)
    let old = try LSHIndex.open(directory.path)
    let before = try Self.answers(old, Array(documents[..<10]))
    try writer.add(Self.sketch(Array(documents[60...])))
    try writer.compact()  // deletes the segment the old view maps
    #expect(try Self.answers(old, Array(documents[..<10])) == before)
    #expect(try LSHIndex.open(directory.path).documentCount == documents.count)
  }

  @Test("one writer at a time")
  func writerLock() throws {
    let directory = try TemporaryDirectory()
    let writer = try Self.build(Array(try Self.corpusDocuments()[..<5]), at: directory.path)
    #expect(throws: IndexFileError.locked(path: directory.path)) { try IndexWriter(opening: directory.path) }
    #expect(throws: IndexFileError.alreadyExists(path: directory.path)) { try Self.build([], at: directory.path) }
    _ = writer
  }

  @Test("leftovers of an interrupted writer are ignored by readers and removed by the next writer")
  func leftovers() throws {
    let directory = try TemporaryDirectory()
    let documents = try Self.corpusDocuments()
    do { _ = try Self.build(Array(documents[..<30]), at: directory.path) }
    let answers = try Self.answers(try LSHIndex.open(directory.path), Array(documents[..<5]))
    try directory.write(".seg-00000002-dead.ndx.tmp", "half a segment")
    try directory.write("MANIFEST.tmp", "half a manifest")
    try directory.write("seg-00000009-beef.ndx", "an orphan segment")
    #expect(try Self.answers(try LSHIndex.open(directory.path), Array(documents[..<5])) == answers)
    _ = try IndexWriter(opening: directory.path)
    let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
    #expect(names.count == 3)
    #expect(names.contains("MANIFEST") && names.contains("LOCK"))
  }
}

@Suite("Index files")
struct IndexFileTests {
  /// A small index and the path of its one segment.
  func smallIndex() throws -> (TemporaryDirectory, String) {
    let directory = try TemporaryDirectory()
    _ = try LSHIndexTests.build(Array(try LSHIndexTests.corpusDocuments()[..<40]), at: directory.path)
    let segment = try FileManager.default.contentsOfDirectory(atPath: directory.path).first { $0.hasSuffix(".ndx") }!
    return (directory, directory.path + "/" + segment)
  }

  func rewrite(_ path: String, _ change: (inout Data) -> Void) throws {
    var data = try Data(contentsOf: URL(fileURLWithPath: path))
    change(&data)
    try data.write(to: URL(fileURLWithPath: path))
  }

  /// Queries every document; a damaged index must throw, never answer wrongly.
  func queryAll(_ path: String) throws {
    let index = try LSHIndex.open(path)
    var querier = IndexQuerier(index: index)
    for document in try LSHIndexTests.corpusDocuments()[..<40] {
      _ = try querier.query(text: document.text, options: QueryOptions())
    }
    for segment in index.segments { try segment.verifyAll() }
  }

  @Test("a flipped byte in a segment's data is reported as corruption")
  func flippedDataByte() throws {
    let (directory, segment) = try smallIndex()
    try queryAll(directory.path)
    let size = try Data(contentsOf: URL(fileURLWithPath: segment)).count
    // Early (ids), middle (signatures, fingerprints) and late (band tables) data.
    for offset in [1000, size / 2, size - 200] {
      let (copy, copySegment) = try smallIndex()
      try rewrite(copySegment) { data in data[offset] ^= 0x40 }
      #expect {
        try queryAll(copy.path)
      } throws: { error in
        guard case IndexFileError.corrupt(let path, let reason) = error else { return false }
        return path == copySegment && reason.contains("fails its checksum")
      }
    }
  }

  @Test("a flipped header byte, a truncated file, wrong magic and a newer or older version are clear errors")
  func headerDamage() throws {
    let (a, segmentA) = try smallIndex()
    try rewrite(segmentA) { data in data[40] ^= 1 }
    #expect(throws: IndexFileError.corrupt(path: segmentA, reason: "header checksum mismatch")) {
      try LSHIndex.open(a.path)
    }

    let (b, segmentB) = try smallIndex()
    let size = try Data(contentsOf: URL(fileURLWithPath: segmentB)).count
    try rewrite(segmentB) { data in data = data.prefix(size - 100) }
    #expect(throws: IndexFileError.truncated(path: segmentB, expectedBytes: size, actualBytes: size - 100)) {
      try LSHIndex.open(b.path)
    }

    let (c, segmentC) = try smallIndex()
    try rewrite(segmentC) { data in data.replaceSubrange(0..<8, with: Data("PK\u{3}\u{4}JUNK".utf8)) }
    #expect(throws: IndexFileError.foreignFile(path: segmentC)) { try LSHIndex.open(c.path) }

    let (d, _) = try smallIndex()
    let manifest = d.path + "/MANIFEST"
    try rewrite(manifest) { data in data[8] = 9 }
    #expect(throws: IndexFileError.newerFormat(path: manifest, version: 9, supported: 2)) { try LSHIndex.open(d.path) }
    try rewrite(manifest) { data in data[8] = 1 }
    #expect(throws: IndexFileError.olderFormat(path: manifest, version: 1, supported: 2)) { try LSHIndex.open(d.path) }

    let (e, _) = try smallIndex()
    try rewrite(e.path + "/MANIFEST") { data in data[30] ^= 0xFF }
    #expect(throws: IndexFileError.corrupt(path: e.path + "/MANIFEST", reason: "manifest checksum mismatch")) {
      try LSHIndex.open(e.path)
    }

    let empty = try TemporaryDirectory()
    #expect(throws: IndexFileError.missing(path: empty.path)) { try LSHIndex.open(empty.path) }

    let (f, segmentF) = try smallIndex()
    try FileManager.default.removeItem(atPath: segmentF)
    let name = (segmentF as NSString).lastPathComponent
    #expect(throws: IndexFileError.missingSegment(path: f.path, segment: name)) { try LSHIndex.open(f.path) }
    #expect(
      "\(IndexFileError.missingSegment(path: f.path, segment: name))"
        == "\(f.path): damaged index: its manifest lists segment file \(name), which is missing "
        + "(restore the file, or rebuild the index with `neardup index build`)")
  }

  /// Writes `value` at `offset` of `data`, little-endian.
  func setU64(_ data: inout Data, _ offset: Int, _ value: UInt64) {
    withUnsafeBytes(of: value.littleEndian) { data.replaceSubrange(offset..<offset + 8, with: $0) }
  }

  /// The checksum an index file stores for `bytes`.
  func checksum(_ data: Data, _ range: Range<Int>) -> UInt64 {
    data.withUnsafeBytes { XXH3.hash(UnsafeRawBufferPointer(rebasing: $0[range])) }
  }

  /// Crafted files, whose checksums match their content, found by the index fuzz
  /// target: sizes and counts past `Int.max` once trapped in a conversion.
  @Test("crafted counts and offsets beyond Int.max are corruption, not a trap")
  func craftedSizes() throws {
    let (a, segmentA) = try smallIndex()
    try rewrite(segmentA) { data in
      setU64(&data, 16, 0x8000_0000_0000_0001)  // the document count
      setU64(&data, 248, checksum(data, 0..<248))  // the header checksum, resealed
    }
    #expect(
      throws: IndexFileError.corrupt(path: segmentA, reason: "document count 9223372036854775809 is out of range")
    ) {
      try LSHIndex.open(a.path)
    }

    let (b, _) = try smallIndex()
    let manifest = b.path + "/MANIFEST"
    try rewrite(manifest) { data in
      setU64(&data, data.count - 16, UInt64.max)  // the tombstone count, just before the checksum
      setU64(&data, data.count - 8, checksum(data, 0..<data.count - 8))
    }
    #expect(
      throws: IndexFileError.corrupt(path: manifest, reason: "tombstone count 18446744073709551615 is out of range")
    ) {
      try LSHIndex.open(b.path)
    }
  }

  @Test("random damage anywhere never crashes a reader")
  func fuzzedDamage() throws {
    var random = SplitMix64(seed: 99)
    for _ in 0..<12 {
      let (directory, segment) = try smallIndex()
      let size = try Data(contentsOf: URL(fileURLWithPath: segment)).count
      try rewrite(segment) { data in
        for _ in 0..<4 { data[Int(random.next() % UInt64(size))] ^= UInt8(1 + random.next() % 255) }
      }
      #expect(throws: IndexFileError.self) { try queryAll(directory.path) }
    }
  }
}
