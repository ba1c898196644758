import Foundation
@testable import NearDupCore
import Testing

@Suite("CorpusSketcher")
struct CorpusSketcherTests {
  /// A boilerplate sample of 100 of the 186 Corpus/ documents, ending inside a batch.
  let learning = BoilerplateLearning(share: 0.05, sampleSize: 100, minimumDocuments: 3)

  /// Checks `corpus` against sketching every document of `documents` from its text
  /// with `stopShingles`: the same signatures, digest sets, counts and content keys.
  func expectSketchedFromText(
    _ corpus: SketchedCorpus, _ documents: [Document], stopShingles: StopShingles,
    parameters: SketchParameters
  ) {
    #expect(corpus.documents.ids == documents.map(\.id))
    var sketcher = DocumentSketcher(parameters: parameters, stopShingles: stopShingles)
    var signature = [UInt32](repeating: 0, count: parameters.permutationCount)
    var mismatches: [String] = []
    corpus.digests!.withSets { sets in
      for (index, document) in documents.enumerated() {
        var text = document.text
        let sketch = text.withUTF8 { body in
          signature.withUnsafeMutableBufferPointer { sketcher.sketch(body, signature: $0) }
        }
        if corpus.signatures.signature(index).values != signature || Array(sets[index]) != sketcher.digests
          || Int(corpus.documents.shingleCounts[index]) != sketch.shingleCount
          || corpus.contentKeys[index] != sketch.contentKey
          || Int(corpus.documents.tokenCounts[index]) != sketch.tokenCount
        {
          mismatches.append(document.id)
        }
      }
    }
    #expect(mismatches.isEmpty)
  }

  @Test("a directory read in batches keeps every document, in order, however the batches fall", arguments: [1, 2])
  func directoryBatches(threads: Int) throws {
    // Each batch is appended while the next is sketched: 7 per batch leaves a short
    // last batch, one of 40 a single batch, and 1 per batch appends each document
    // during the next one's sketching.
    let directory = try TemporaryDirectory()
    let documents = (0..<40).map { index in
      Document(
        id: String(format: "story-%02d.txt", index),
        text:
          "Report \(index): the council met on day \(index % 9) and voted \(index * 3) to \(index % 4) on the budget.")
    }
    for document in documents { try directory.write(document.id, document.text) }
    let parameters = try SketchParameters()
    for batchSize in [1, 7, 40] {
      let input = try CorpusInput.resolve(directory.path, options: CorpusOptions())
      let sketcher = CorpusSketcher(parameters: parameters, threads: threads, batchSize: batchSize)
      let corpus = try sketcher.sketch(reader: CorpusReader(inputs: [input], options: CorpusOptions()))
      #expect(corpus.signatures.count == documents.count)
      #expect(corpus.digests?.count == documents.count)
      expectSketchedFromText(corpus, documents, stopShingles: .empty, parameters: parameters)
    }
  }

  @Test("a line over the length limit is an error at its own line, after lines read in blocks", arguments: [1, 2])
  func oversizedLineNumber(threads: Int) throws {
    let directory = try TemporaryDirectory()
    // 500 short records, then one of 2.5 MB: longer than any block, so the reader
    // meets it alone at the start of a block.
    var lines = (1...500).map { #"{"id": "d\#($0)", "text": "story number \#($0) about a comet"}"# }
    lines.append(#"{"id": "long", "text": ""# + String(repeating: "x", count: 5 << 19) + #""}"#)
    lines.append(#"{"id": "after", "text": "after"}"#)
    let path = try directory.write("long.jsonl", lines.joined(separator: "\n") + "\n")
    var options = CorpusOptions()
    options.maximumDocumentBytes = 64 << 10
    let reader = CorpusReader(inputs: [try CorpusInput.resolve(path, options: options)], options: options)
    let sketcher = CorpusSketcher(parameters: try SketchParameters(), threads: threads)
    let size = lines[500].utf8.count
    #expect(throws: CorpusError.oversizedRecord(path: path, line: 501, bytes: size, limit: 64 << 10)) {
      try sketcher.sketch(reader: reader)
    }
    #expect(
      "\(CorpusError.oversizedRecord(path: path, line: 501, bytes: size, limit: 64 << 10))"
        == "\(path):501: document of \(size) bytes exceeds the limit of 64 KiB "
        + "(raise it with --max-document-bytes, or skip such documents with --skip-invalid)")
  }

  @Test(
    "skipping invalid records reads past lines over the length limit, counted at their own lines", arguments: [1, 2])
  func oversizedLinesSkipped(threads: Int) throws {
    let directory = try TemporaryDirectory()
    // Records on lines 1–600, but line 301 is 2.5 MB (longer than any block), line 450
    // is malformed, and line 601, the last, is 2.5 MB without a line end.
    let long = String(repeating: "x", count: 5 << 19)
    let lines = (1...601).map { line in
      switch line {
      case 301: #"{"id": "long", "text": ""# + long + #""}"#
      case 450: "{not json"
      case 601: long
      default: #"{"id": "d\#(line)", "text": "story number \#(line) about a comet"}"#
      }
    }
    let path = try directory.write("long.jsonl", lines.joined(separator: "\n"))
    var options = CorpusOptions()
    options.maximumDocumentBytes = 64 << 10
    options.skipsInvalidRecords = true
    let kept = (1...600).filter { $0 != 301 && $0 != 450 }
    // Without a sample, and with a 400-document sample (which line 301 falls in),
    // every line goes through blocks: the sample's, then the rest's.
    for boilerplate in [nil, BoilerplateLearning(share: 0.5, sampleSize: 400, minimumDocuments: 3)] {
      let reader = CorpusReader(inputs: [try CorpusInput.resolve(path, options: options)], options: options)
      let sketcher = CorpusSketcher(
        parameters: try SketchParameters(), threads: threads, batchSize: 64, boilerplate: boilerplate)
      let corpus = try sketcher.sketch(reader: reader)
      #expect(corpus.documents.ids == kept.map { "d\($0)" })
      #expect(corpus.documents.locations.map(\.line) == kept.map(Int32.init))
      #expect(corpus.statistics.skippedRecords == 3)
      #expect(corpus.statistics.skippedMessages.count == 3)
      #expect(
        corpus.statistics.skippedMessages.first?.hasPrefix(
          "\(path):301: document of \(lines[300].utf8.count) bytes exceeds the limit of 64 KiB") == true)
      #expect(corpus.statistics.skippedMessages.dropFirst().first?.hasPrefix("\(path):450:") == true)
      #expect(
        corpus.statistics.skippedMessages.last?.hasPrefix("\(path):601: document of \(long.utf8.count) bytes exceeds")
          == true)
    }
  }

  @Test("the boilerplate sample is read once, and sketched as every later document is", arguments: [1, 2])
  func sampleFinishedFromKeptSets(threads: Int) throws {
    // No news cleaning: it reads a record's body alone, the check below its joined text.
    let parameters = try SketchParameters(cleaning: [])
    let documents = try Harness.read([try CorpusInput.resolve(Fixtures.corpus, options: CorpusOptions())])
    let learned = StopShingles.learn(
      from: documents.prefix(learning.sampleSize).map(\.text), parameters: parameters, share: learning.share,
      minimumDocuments: learning.minimumDocuments)
    #expect(learned.count > 0)

    // In memory, with batches of 7 documents (the sample ends inside a batch).
    let inMemory = CorpusSketcher(parameters: parameters, threads: threads, batchSize: 7, boilerplate: learning)
    let corpus = inMemory.sketch(documents: documents)
    #expect(inMemory.stopShingles.count == learned.count)
    expectSketchedFromText(corpus, documents, stopShingles: inMemory.stopShingles, parameters: parameters)

    // From the JSON Lines file: the sample ends inside the file's first block, and
    // the blocks after it must continue at the right line numbers.
    let reader = CorpusReader(
      inputs: [try CorpusInput.resolve(Fixtures.corpus, options: CorpusOptions())], options: CorpusOptions())
    let fromFile = CorpusSketcher(parameters: parameters, threads: threads, batchSize: 7, boilerplate: learning)
    let fileCorpus = try fromFile.sketch(reader: reader)
    #expect(fromFile.stopShingles.count == learned.count)
    expectSketchedFromText(fileCorpus, documents, stopShingles: fromFile.stopShingles, parameters: parameters)
    #expect(fileCorpus.documents.locations.map(\.line) == (1...Int32(documents.count)).map { $0 })
    #expect(fileCorpus.statistics.boilerplateShingles == learned.count)
  }

  @Test("a sample size beyond the corpus samples the whole corpus, as one of its exact size does", arguments: [1, 2])
  func sampleLargerThanTheCorpus(threads: Int) throws {
    let documents = try Harness.read([try CorpusInput.resolve(Fixtures.corpus, options: CorpusOptions())])
    func sketched(sampleSize: Int) throws -> (corpus: SketchedCorpus, stopShingles: Int) {
      let reader = CorpusReader(
        inputs: [try CorpusInput.resolve(Fixtures.corpus, options: CorpusOptions())], options: CorpusOptions())
      let sketcher = CorpusSketcher(
        parameters: try SketchParameters(), threads: threads, batchSize: 64,
        boilerplate: BoilerplateLearning(share: 0.05, sampleSize: sampleSize, minimumDocuments: 3))
      return (try sketcher.sketch(reader: reader), sketcher.stopShingles.count)
    }
    let exact = try sketched(sampleSize: documents.count)
    #expect(exact.stopShingles > 0)
    for sampleSize in [1_000_000, Int.max] {
      let larger = try sketched(sampleSize: sampleSize)
      #expect(larger.stopShingles == exact.stopShingles)
      #expect(larger.corpus.documents.ids == exact.corpus.documents.ids)
      #expect(larger.corpus.signatures.values == exact.corpus.signatures.values)
      #expect(larger.corpus.digests!.values == exact.corpus.digests!.values)
    }
  }

  @Test("blocks read, sketched and collected by any thread give the same corpus and errors on 1 to 4 threads")
  func blocksOnAnyThreads() throws {
    // 9,000 records of about 200 bytes: seven blocks of at least 256 KiB, which the
    // threads read, sketch and collect in turn. Line 6,001 repeats an id.
    let lines = (1...9_000).map { line in
      let id = line == 6_001 ? "d17" : "d\(line)"
      let words = (0..<30).map { "w\(($0 * 7 + line) % 97)" }.joined(separator: " ")
      return #"{"id": "\#(id)", "text": "report \#(line): \#(words)"}"#
    }
    let directory = try TemporaryDirectory()
    let path = try directory.write("blocks.jsonl", lines.joined(separator: "\n") + "\n")
    let parameters = try SketchParameters()
    func sketch(threads: Int, skipping: Bool) throws(CorpusError) -> SketchedCorpus {
      var options = CorpusOptions()
      options.skipsInvalidRecords = skipping
      let input = try CorpusInput.resolve(path, options: options)
      return try CorpusSketcher(parameters: parameters, threads: threads).sketch(
        reader: CorpusReader(inputs: [input], options: options))
    }
    let one = try sketch(threads: 1, skipping: true)
    #expect(one.documents.count == 8_999)
    #expect(one.statistics.skippedMessages.count == 1)
    for threads in 2...4 {
      let many = try sketch(threads: threads, skipping: true)
      #expect(many.documents.ids == one.documents.ids)
      #expect(many.documents.locations == one.documents.locations)
      #expect(many.signatures.values == one.signatures.values)
      #expect(many.digests!.values == one.digests!.values)
      #expect(many.digests!.offsets == one.digests!.offsets)
      #expect(many.statistics.skippedMessages == one.statistics.skippedMessages)
    }
    for threads in 1...4 {
      #expect(throws: CorpusError.duplicateID(id: "d17", path: path, line: 6_001, firstPath: path, firstLine: 17)) {
        _ = try sketch(threads: threads, skipping: false)
      }
    }
  }

  @Test("a malformed line after the boilerplate sample is reported at its own line", arguments: [1, 2])
  func errorLineAfterSample(threads: Int) throws {
    var lines = try String(contentsOfFile: Fixtures.corpus, encoding: .utf8).split(separator: "\n").map(String.init)
    lines.insert(#"{"id": "broken", "text": "unterminated}"#, at: 150)  // line 151, past the 100 sampled
    let directory = try TemporaryDirectory()
    let path = try directory.write("corpus.jsonl", lines.joined(separator: "\n") + "\n")
    let reader = CorpusReader(
      inputs: [try CorpusInput.resolve(path, options: CorpusOptions())], options: CorpusOptions())
    let sketcher = CorpusSketcher(
      parameters: try SketchParameters(), threads: threads, batchSize: 7, boilerplate: learning)
    #expect(
      throws: CorpusError.malformedLine(path: path, line: 151, reason: "invalid JSON: unterminated string (column 40)")
    ) {
      _ = try sketcher.sketch(reader: reader)
    }
  }

  @Test("a file whose first block holds longer documents than the rest is reserved for once, not regrown")
  func reservationFromAnUnrepresentativeFirstBlock() throws {
    // 12,000 records: the first 2,000 of about 1,150 bytes, the others of about
    // 1,000. The first block (2 MiB on one thread) holds only long ones, so it
    // predicts about 10,700 documents for the whole file.
    func record(_ index: Int, words: Int) -> String {
      let text = (0..<words).map { "word\(($0 * 7 + index) % 997)" }.joined(separator: " ")
      return #"{"id": "d\#(index)", "text": "\#(text)"}"#
    }
    let lines = (0..<12_000).map { record($0, words: $0 < 2_000 ? 140 : 121) }
    let directory = try TemporaryDirectory()
    let path = try directory.write("uneven.jsonl", lines.joined(separator: "\n") + "\n")
    let reader = CorpusReader(
      inputs: [try CorpusInput.resolve(path, options: CorpusOptions())], options: CorpusOptions())
    let sketched = try CorpusSketcher(parameters: try SketchParameters(), threads: 1).sketch(reader: reader)
    #expect(sketched.documents.count == 12_000)
    // Outgrowing the reservation would have doubled the signature matrix.
    let rows = sketched.signatures.values.capacity / sketched.signatures.permutationCount
    #expect(rows >= 12_000 && rows < 18_000, "\(rows) rows reserved")
  }

  /// Records `first...last` of a corpus with shared boilerplate: every record ends
  /// with the same sign-off, and every third starts with the same wire line, so that
  /// some sampled documents hold stop shingles and others none.
  static func boilerplateRecords(_ range: ClosedRange<Int>, prefix: String) -> [String] {
    range.map { line in
      let words = (0..<24).map { "w\(($0 * 13 + line * 7) % 541)" }.joined(separator: " ")
      let wire = line % 3 == 0 ? "wire service staff report filed from the news desk today " : ""
      let signOff = line % 2 == 0 ? " copyright the daily example all rights reserved worldwide" : ""
      return #"{"id": "\#(prefix)\#(line)", "text": "\#(wire)report \#(line): \#(words)\#(signOff)"}"#
    }
  }

  @Test(
    "the block route's sample, ending inside a block of the second input, gives what sketching with stop shingles gives"
  )
  func blockSampleAcrossInputs() throws {
    // Two files of 3,000 records (several blocks each); the 4,500-document sample
    // ends inside a block of the second. Invalid records inside the sample (a
    // malformed line, a repeated id) are skipped and do not count towards it.
    var first = Self.boilerplateRecords(1...3_000, prefix: "a")
    first[99] = "{not json"
    first[199] = first[49]  // repeats id a50
    let second = Self.boilerplateRecords(1...3_000, prefix: "b")
    let directory = try TemporaryDirectory()
    let paths = [
      try directory.write("first.jsonl", first.joined(separator: "\n") + "\n"),
      try directory.write("second.jsonl", second.joined(separator: "\n")),
    ]
    var options = CorpusOptions()
    options.skipsInvalidRecords = true
    let parameters = try SketchParameters(cleaning: [])
    let learning = BoilerplateLearning(share: 0.2, sampleSize: 4_500, minimumDocuments: 3)
    // The accepted documents, sketched in memory (the batch route, from the text).
    let accepted = (first.enumerated().filter { $0.offset != 99 && $0.offset != 199 }.map { $0.element } + second)
      .map { line -> Document in
        let object = try! JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: String]
        return Document(id: object["id"]!, text: object["text"]!)
      }
    let reference = CorpusSketcher(parameters: parameters, threads: 2, batchSize: 64, boilerplate: learning)
    let expected = reference.sketch(documents: accepted)
    #expect(reference.stopShingles.count > 0)
    let learned = StopShingles.learn(
      from: accepted.prefix(4_500).map(\.text), parameters: parameters, share: learning.share,
      minimumDocuments: learning.minimumDocuments)
    #expect(reference.stopShingles == learned)
    for threads in 1...4 {
      let reader = CorpusReader(
        inputs: try paths.map { try CorpusInput.resolve($0, options: options) }, options: options)
      let sketcher = CorpusSketcher(parameters: parameters, threads: threads, boilerplate: learning)
      let corpus = try sketcher.sketch(reader: reader)
      #expect(sketcher.stopShingles == learned)
      #expect(corpus.documents.ids == expected.documents.ids)
      #expect(corpus.signatures.values == expected.signatures.values)
      #expect(corpus.digests!.values == expected.digests!.values)
      #expect(corpus.digests!.offsets == expected.digests!.offsets)
      #expect(corpus.documents.shingleCounts == expected.documents.shingleCounts)
      #expect(corpus.documents.tokenCounts == expected.documents.tokenCounts)
      #expect(corpus.contentKeys == expected.contentKeys)
      #expect(corpus.statistics.boilerplateShingles == learned.count)
      #expect(corpus.statistics.skippedRecords == 2)
      #expect(
        corpus.statistics.skippedMessages.map { $0.prefix(paths[0].utf8.count + 4) } == [
          "\(paths[0]):100", "\(paths[0]):200",
        ])
      #expect(corpus.documents.locations.suffix(3_000).map(\.line) == (1...3_000).map(Int32.init))
    }
  }

  @Test(
    "without skipping, an invalid record inside the block route's sample throws at its own line", arguments: [1, 3])
  func blockSampleError(threads: Int) throws {
    var lines = Self.boilerplateRecords(1...3_000, prefix: "a")
    lines[1_499] = lines[9]  // line 1,500 repeats id a10
    let directory = try TemporaryDirectory()
    let path = try directory.write("corpus.jsonl", lines.joined(separator: "\n") + "\n")
    let reader = CorpusReader(
      inputs: [try CorpusInput.resolve(path, options: CorpusOptions())], options: CorpusOptions())
    let sketcher = CorpusSketcher(
      parameters: try SketchParameters(), threads: threads,
      boilerplate: BoilerplateLearning(share: 0.2, sampleSize: 2_000, minimumDocuments: 3))
    #expect(throws: CorpusError.duplicateID(id: "a10", path: path, line: 1_500, firstPath: path, firstLine: 10)) {
      _ = try sketcher.sketch(reader: reader)
    }
  }

  @Test("finishing a sampled document keeps its unfiltered signature exactly when no stop shingle is dropped")
  func finishReusesUnfilteredSignatures() throws {
    let parameters = try SketchParameters(cleaning: [])
    let texts = Self.boilerplateRecords(1...300, prefix: "d").map { line in
      (try! JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: String])["text"]!
    }
    let stopShingles = StopShingles.learn(from: texts, parameters: parameters, share: 0.2, minimumDocuments: 3)
    #expect(stopShingles.count > 0)
    let k = parameters.permutationCount
    var unfiltered = DocumentSketcher(parameters: parameters, retention: .fingerprints)
    var finishing = DocumentSketcher(parameters: parameters, stopShingles: stopShingles)
    var fromText = DocumentSketcher(parameters: parameters, stopShingles: stopShingles)
    var untouched = 0
    for text in texts {
      var text = text
      var signature = [UInt32](repeating: 0, count: k)
      var expected = [UInt32](repeating: 0, count: k)
      let sketch = text.withUTF8 { body in
        signature.withUnsafeMutableBufferPointer { unfiltered.sketch(body, signature: $0) }
      }
      let set = unfiltered.fingerprints
      if !set.contains(where: stopShingles.contains) { untouched += 1 }
      let finished = set.withUnsafeBufferPointer { set in
        signature.withUnsafeMutableBufferPointer {
          finishing.finish(sortedFingerprints: set, unfiltered: sketch, signature: $0)
        }
      }
      let reference = text.withUTF8 { body in
        expected.withUnsafeMutableBufferPointer { fromText.sketch(body, signature: $0) }
      }
      #expect(finished == reference)
      #expect(signature == expected)
      #expect(finishing.digests == fromText.digests)
    }
    // Both kinds of document occur.
    #expect(untouched > 0 && untouched < texts.count)
  }
}
