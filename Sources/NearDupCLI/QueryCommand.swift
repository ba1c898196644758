import ArgumentParser
import Foundation
import NearDupCore

extension NearDup {
  /// `neardup query`: which stored articles is this a copy of?
  struct Query: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "query",
      abstract: "Find the stored documents similar to each query document.",
      discussion: """
        The query is TEXT itself, a file given with --file (one document), or a corpus \
        (JSON Lines file, directory, or - for standard input) with one query per record. \
        By default the matches are the stored documents whose similarity reaches the index \
        threshold; --threshold sets another, --top keeps the k most similar.
        """)

    @Argument(help: "Query text, or a corpus of queries (JSON Lines file, directory, or - for standard input).")
    var query: String?
    @Option(help: "Read one query document from FILE.")
    var file: String?
    @OptionGroup var location: IndexLocation
    @OptionGroup(title: "Input") var corpus: CorpusOptionGroup
    @Option(help: "Smallest similarity returned (default: the index threshold; none with --top).")
    var threshold: Double?
    @Option(help: "Return the k most similar stored documents.")
    var top: Int?
    @Flag(help: "Also print each match's exact Jaccard similarity (matches are always verified exactly).")
    var exact = false
    @Option(help: "Output format: table (default on a terminal) or jsonl (default otherwise).")
    var format: QueryOutputFormat?
    @Option(help: "Worker threads for a corpus of queries (default: all cores).")
    var threads = ProcessInfo.processInfo.activeProcessorCount
    @Flag(help: "Print query latency (p50, p99) and queries/s to standard error as one JSON line.")
    var latency = false

    func validate() throws {
      guard (query == nil) != (file == nil) else {
        throw ValidationError("Give either a query (TEXT or INPUT) or --file.")
      }
      if let threshold, !(threshold > 0 && threshold <= 1) {
        throw ValidationError("--threshold must be in (0, 1] (got \(threshold)).")
      }
      if let top, top < 1 { throw ValidationError("--top must be at least 1 (got \(top)).") }
      try validateThreads(threads)
    }

    func run() throws {
      let index = try LSHIndex.open(location.index)
      let options = try QueryOptions(threshold: threshold, top: top)
      let format = self.format ?? (Terminal.standardOutputIsTerminal ? .table : .jsonl)
      let printer = QueryPrinter(format: format, index: index, showsExact: exact)
      var latencies: [Double] = []
      let clock = Stopwatch()
      if let file {
        let text = try readDocument(file)
        let (matches, seconds) = try Self.timedQuery(index: index, text: text, options: options)
        latencies.append(seconds)
        printer.print(queryID: file, preview: Self.preview(text), matches: matches)
      } else if let query, query != "-" && !FileManager.default.fileExists(atPath: query) {
        let (matches, seconds) = try Self.timedQuery(index: index, text: query, options: options)
        latencies.append(seconds)
        printer.print(queryID: "text", preview: Self.preview(query), matches: matches)
      } else {
        let corpusOptions = corpus.corpusOptions
        let input = try CorpusInput.resolve(query!, options: corpusOptions)
        let reader = CorpusReader(inputs: [input], options: corpusOptions)
        var batch = DocumentBatch()
        while try reader.read(into: &batch, maximumDocuments: 1024) {
          let results = try Self.queryBatch(batch, index: index, options: options, threads: threads)
          for (position, result) in results.enumerated() {
            latencies.append(result.seconds)
            printer.print(queryID: batch.ids[position], preview: batch.previews[position], matches: result.matches)
          }
        }
      }
      if latency {
        let total = clock.elapsed
        let sorted = latencies.sorted()
        func percentile(_ p: Double) -> Double {
          sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int((p * Double(sorted.count)).rounded(.up)) - 1)] * 1000
        }
        Terminal.writeError(
          "{\"queries\": \(sorted.count), \"seconds\": \(Format.fixed(total, 6)), \"p50_ms\": \(Format.fixed(percentile(0.5), 4)), "
            + "\"p99_ms\": \(Format.fixed(percentile(0.99), 4)), "
            + "\"queries_per_second\": \(Format.fixed(Double(sorted.count) / max(total, 1e-9), 1)), \"threads\": \(threads)}\n"
        )
      }
    }

    private func readDocument(_ path: String) throws -> String {
      let input = try CorpusInput.resolve(path, options: CorpusOptions())
      let reader = CorpusReader(inputs: [CorpusInput(path: input.path, kind: .textFile)], options: CorpusOptions())
      var batch = DocumentBatch()
      guard try reader.read(into: &batch, maximumDocuments: 1) else { throw CorpusError.noDocuments(paths: [path]) }
      return String(decoding: batch.content, as: UTF8.self)
    }

    static func preview(_ text: String) -> String {
      let bytes = Array(text.utf8)
      return bytes.withUnsafeBufferPointer { DocumentBatch.preview($0) }
    }

    static func timedQuery(index: LSHIndex, text: String, options: QueryOptions) throws -> ([QueryMatch], Double) {
      var querier = IndexQuerier(index: index)
      let clock = Stopwatch()
      let matches = try querier.query(text: text, options: options)
      return (matches, clock.elapsed)
    }

    /// Answers the queries of a batch in parallel; results in batch order.
    static func queryBatch(_ batch: DocumentBatch, index: LSHIndex, options: QueryOptions, threads: Int) throws
      -> [(matches: [QueryMatch], seconds: Double)]
    {
      let chunkCount = min(batch.count, max(1, threads) * 4)
      var results = [(matches: [QueryMatch], seconds: Double)](repeating: ([], 0), count: batch.count)
      var failures = [IndexFileError?](repeating: nil, count: chunkCount)
      results.withUnsafeMutableBufferPointer { resultBuffer in
        let output = DisjointRows(resultBuffer)
        failures.withUnsafeMutableBufferPointer { failureBuffer in
          let failed = DisjointRows(failureBuffer)
          batch.content.withUnsafeBufferPointer { content in
            parallelForEach(chunkCount: chunkCount, threads: threads) { chunk in
              var querier = IndexQuerier(index: index)
              do throws(IndexFileError) {
                for position in chunkRange(chunk, of: chunkCount, count: batch.count) {
                  let clock = Stopwatch()
                  let text = UnsafeBufferPointer(rebasing: content[batch.contentRange(of: position)])
                  let matches = try querier.query(text, options: options)
                  output.base[position] = (matches, clock.elapsed)
                }
              } catch {
                failed.base[chunk] = error
              }
            }
          }
        }
      }
      if let failure = failures.compactMap({ $0 }).first { throw failure }
      return results
    }
  }
}

/// How `neardup query` prints its answers.
enum QueryOutputFormat: String, ExpressibleByArgument, CaseIterable {
  case table, jsonl
}

/// Prints query answers as a table or as JSON Lines.
struct QueryPrinter {
  let format: QueryOutputFormat
  let index: LSHIndex
  /// Whether the exact Jaccard similarity is printed.
  let showsExact: Bool

  func print(queryID: String, preview: String, matches: [QueryMatch]) {
    switch format {
    case .jsonl:
      Swift.print(QueryPrinter.jsonLine(queryID: queryID, matches: matches, exact: showsExact))
    case .table:
      Swift.print("Query \(queryID)  \(preview.prefix(60))  (\(Format.plural(matches.count, "match", "matches")))")
      guard !matches.isEmpty else { return }
      let idWidth = min(40, max(2, matches.map(\.id.count).max() ?? 2))
      let containment = index.parameters.measure == .containment
      var header = "  rank  \(Format.padded("id", idWidth))  jaccard"
      if containment { header += "  contain" }
      if showsExact { header += "  exact" }
      Swift.print(header + "  title")
      for (rank, match) in matches.enumerated() {
        var row =
          "  \(Format.padded(String(rank + 1), 4))  \(Format.padded(match.id, idWidth))  \(Format.fixed(match.jaccard, 3))  "
        if let value = match.containment { row += "  \(Format.fixed(value, 3))  " }
        if showsExact { row += "\(Format.fixed(match.exactJaccard, 3))  " }
        Swift.print(row + match.preview.prefix(60))
      }
    }
  }

  /// `{"query": "ID", "matches": [{"id": "ID", "jaccard": 0.91, "exact": 0.93}]}`;
  /// `exact` only when asked for, `containment` for a containment index.
  static func jsonLine(queryID: String, matches: [QueryMatch], exact: Bool) -> String {
    var line: [UInt8] = Array("{\"query\": ".utf8)
    appendJSONString(queryID, to: &line)
    line += Array(", \"matches\": [".utf8)
    for (position, match) in matches.enumerated() {
      if position > 0 { line += Array(", ".utf8) }
      line += Array(matchJSON(match, exact: exact).utf8)
    }
    line += Array("]}".utf8)
    return String(decoding: line, as: UTF8.self)
  }

  /// One match as a JSON object.
  static func matchJSON(_ match: QueryMatch, exact: Bool, title: Bool = false) -> String {
    var object: [UInt8] = Array("{\"id\": ".utf8)
    appendJSONString(match.id, to: &object)
    if title {
      object += Array(", \"title\": ".utf8)
      appendJSONString(match.preview, to: &object)
    }
    object += Array(", \"jaccard\": \(formatSimilarity(match.jaccard))".utf8)
    if exact { object += Array(", \"exact\": \(formatSimilarity(match.exactJaccard))".utf8) }
    if let containment = match.containment {
      object += Array(", \"containment\": \(formatSimilarity(containment))".utf8)
    }
    object += Array("}".utf8)
    return String(decoding: object, as: UTF8.self)
  }
}
