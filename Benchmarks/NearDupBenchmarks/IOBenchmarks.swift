import Benchmark
import Foundation
import NearDupCore

/// IO: reading JSON Lines records with `CorpusReader`.
///
/// - `IO/jsonScan/2KiB`: opens a temporary JSON Lines file of 1,000 records (`id`,
///   `title`, and a 2 KiB `text` with escaped line breaks and quotes) and reads it
///   in batches of up to 4,096 documents: line splitting, JSON validation and
///   decoding of id, title and text, id uniqueness, the batch. One scaled
///   iteration is one record. Allocates per record (see the README).
func ioBenchmarks() {
  Benchmark(
    "IO/jsonScan/2KiB", configuration: .allocating(scalingFactor: .kilo)
  ) { benchmark, state in
    let reader = CorpusReader(inputs: [state.input], options: CorpusOptions())
    var documents = 0
    do {
      while try reader.read(into: &state.batch, maximumDocuments: 4096) { documents += state.batch.count }
    } catch {
      benchmark.error("reading \(state.input.path): \(error)")
    }
    precondition(documents == benchmark.scaledIterations.count, "read \(documents) records")
    blackHole(documents)
  } setup: {
    try IOState(recordCount: 1000, byteCount: 2048)
  } teardown: {
    // The file was created in setup; nothing else refers to it.
    try? FileManager.default.removeItem(atPath: IOState.path)
  }
}

/// The temporary corpus file and the reusable batch of the IO benchmark.
final class IOState {
  static let path = FileManager.default.temporaryDirectory
    .appendingPathComponent("neardup-benchmark-\(ProcessInfo.processInfo.processIdentifier).jsonl").path

  let input: CorpusInput
  var batch = DocumentBatch()

  private struct Record: Encodable {
    var id: String
    var title: String
    var text: String
  }

  init(recordCount: Int, byteCount: Int) throws {
    let documents = Inputs.documents(byteCount: byteCount, count: recordCount)
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.withoutEscapingSlashes]
    var file = Data()
    for (index, document) in documents.enumerated() {
      let text = String(decoding: document, as: UTF8.self)
      let newline = text.firstIndex(of: "\n")!
      let record = Record(
        id: "doc-\(index)", title: String(text[..<newline]), text: String(text[text.index(after: newline)...]))
      file.append(try encoder.encode(record))
      file.append(0x0A)
    }
    try file.write(to: URL(fileURLWithPath: Self.path))
    input = CorpusInput(path: Self.path, kind: .jsonLines)
  }
}
