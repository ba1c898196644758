import ArgumentParser
import Foundation
import NearDupCore

extension NearDup {
  /// `neardup index`: build and maintain an on-disk index.
  struct Index: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "index",
      abstract: "Build and maintain a persistent index for similarity queries.",
      discussion: """
        An index is a directory. Its parameters (shingling, n, permutations, seed, threshold, \
        measure, bands, rows) are fixed by `index build` and reused by every later command; \
        a conflicting flag later is an error. Every change is crash-safe: a process killed \
        at any instant leaves the index as it was before or after the change.
        """,
      subcommands: [Build.self, Add.self, Remove.self, Compact.self, Stats.self])
  }
}

/// `--index DIR`, shared by the index commands.
struct IndexLocation: ParsableArguments {
  @Option(name: .long, help: "The index directory.")
  var index: String
}

extension NearDup.Index {
  /// `neardup index build INPUT... --index DIR`.
  struct Build: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "build", abstract: "Create an index from a corpus.")

    @Argument(help: "Corpus files or directories; - reads standard input. Default: Corpus/.")
    var inputs: [String] = []
    @OptionGroup var location: IndexLocation
    @OptionGroup(title: "Input") var corpus: CorpusOptionGroup
    @OptionGroup(title: "Shingles and signatures") var sketch: SketchOptionGroup
    @OptionGroup(title: "Similarity") var similarity: SimilarityOptionGroup
    @Option(help: "Worker threads (default: all cores).")
    var threads = ProcessInfo.processInfo.activeProcessorCount
    @Flag(name: .shortAndLong, help: "Print no summary.")
    var quiet = false

    func validate() throws {
      try validateThreads(threads)
      _ = try similarity.lshParameters(
        permutationCount: sketch.permutations ?? SketchParameters.default.permutationCount)
    }

    func run() throws {
      let options = corpus.corpusOptions
      let configuration = try similarity.configuration(sketch: sketch.parameters(), threads: threads)
      if FileManager.default.fileExists(atPath: location.index + "/MANIFEST") {
        throw IndexFileError.alreadyExists(path: location.index)
      }
      let inputs = try InputResolver.resolve(self.inputs, options: options)
      let clock = Stopwatch()
      let progress = ProgressLine()
      let sketcher = CorpusSketcher(parameters: configuration.sketch, threads: threads, retention: .fingerprints)
      let corpus: SketchedCorpus
      do {
        corpus = try sketcher.sketch(reader: CorpusReader(inputs: inputs, options: options)) { progress.update($0) }
      } catch {
        progress.finish()
        throw error
      }
      progress.finish()
      let writer = try IndexWriter(creating: location.index, corpus: corpus, parameters: IndexParameters(configuration))
      if !quiet {
        let seconds = clock.elapsed
        let statistics = writer.index.statistics()
        print(
          "Indexed \(Format.count(corpus.documents.count)) documents (\(Format.megabytes(corpus.statistics.bytesRead))) "
            + "into \(location.index) in \(Format.seconds(seconds)): "
            + "\(Format.count(Int(Double(corpus.documents.count) / max(seconds, 1e-9)))) docs/s, "
            + "\(Format.megabytes(statistics.bytes)) on disk")
        print(Self.describe(writer.index.parameters))
      }
    }

    static func describe(_ parameters: IndexParameters) -> String {
      let sketch = parameters.sketch
      return
        "Parameters: \(sketch.shingle.rawValue) \(sketch.shingleSize)-grams, \(sketch.permutationCount) permutations, "
        + "seed \(sketch.seed), glued words \(sketch.splitsGluedWords ? "split" : "kept"), "
        + "\(parameters.measure.rawValue) ≥ \(Format.fixed(parameters.threshold, 2)), "
        + "\(parameters.lsh.bands) bands × \(parameters.lsh.rows) rows"
    }
  }

  /// `neardup index add INPUT... --index DIR`.
  struct Add: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "add", abstract: "Add documents to an index without rebuilding it.")

    @Argument(help: "Corpus files or directories; - reads standard input.")
    var inputs: [String]
    @OptionGroup var location: IndexLocation
    @OptionGroup(title: "Input") var corpus: CorpusOptionGroup
    @OptionGroup(title: "Shingles and signatures (must agree with the index)") var sketch: SketchOptionGroup
    @OptionGroup(title: "Similarity (must agree with the index)") var similarity: SimilarityOptionGroup
    @Flag(help: "Replace stored documents that have the same id (otherwise such an id is an error).")
    var replace = false
    @Option(help: "Worker threads (default: all cores).")
    var threads = ProcessInfo.processInfo.activeProcessorCount
    @Flag(name: .shortAndLong, help: "Print no summary.")
    var quiet = false

    func validate() throws {
      try validateThreads(threads)
    }

    func run() throws {
      let writer = try IndexWriter(opening: location.index)
      let parameters = writer.index.parameters
      try sketch.checkAgainst(parameters.sketch, index: location.index)
      try similarity.checkAgainst(parameters, index: location.index)
      let options = corpus.corpusOptions
      let inputs = try InputResolver.resolve(self.inputs, options: options)
      let reader = CorpusReader(inputs: inputs, options: options)
      let corpus = try CorpusSketcher(parameters: parameters.sketch, threads: threads, retention: .fingerprints)
        .sketch(reader: reader)
      let replaced: Int
      do {
        replaced = try writer.add(corpus, replacing: replace)
      } catch .duplicateID(_, let id) {
        // Name the record that brought the id, not only the index.
        guard let document = corpus.documents.ids.firstIndex(of: id) else {
          throw IndexFileError.duplicateID(path: location.index, id: id)
        }
        let source = corpus.documents.locations[document]
        throw CorpusError.idInIndex(
          id: id, path: reader.path(of: source), line: Int(source.line), index: location.index)
      }
      if !quiet {
        print(
          "Added \(Format.count(corpus.documents.count)) documents to \(location.index)"
            + (replaced > 0 ? ", replacing \(Format.count(replaced))" : "")
            + "; it holds \(Format.count(writer.index.documentCount)) in \(writer.index.segments.count) segment(s)")
      }
    }
  }

  /// `neardup index remove --index DIR ID...`.
  struct Remove: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "remove", abstract: "Remove documents from an index by id.")

    @OptionGroup var location: IndexLocation
    @Argument(help: "Ids of the documents to remove.")
    var ids: [String]
    @Flag(name: .shortAndLong, help: "Print no summary.")
    var quiet = false

    func run() throws {
      let writer = try IndexWriter(opening: location.index)
      try writer.remove(ids: ids)
      if !quiet {
        print("Removed \(Format.count(Set(ids).count)) documents; \(Format.count(writer.index.documentCount)) remain")
      }
    }
  }

  /// `neardup index compact --index DIR`.
  struct Compact: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "compact",
      abstract: "Merge all segments into one and drop removed documents.")

    @OptionGroup var location: IndexLocation
    @Flag(name: .shortAndLong, help: "Print no summary.")
    var quiet = false

    func run() throws {
      let writer = try IndexWriter(opening: location.index)
      let before = writer.index.statistics().bytes
      try writer.compact()
      if !quiet {
        print(
          "Compacted \(location.index): \(Format.count(writer.index.documentCount)) documents in one segment, "
            + "\(Format.megabytes(before)) → \(Format.megabytes(writer.index.statistics().bytes))")
      }
    }
  }

  /// `neardup index stats --index DIR`.
  struct Stats: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "stats", abstract: "Show an index's size, parameters and segments.")

    @OptionGroup var location: IndexLocation
    @Option(help: "Output format: text or json.")
    var format: ReportFormat = .text

    func run() throws {
      var clock = Stopwatch()
      let index = try LSHIndex.open(location.index)
      let openSeconds = clock.lap()
      let statistics = index.statistics()
      let perDocument = statistics.documents > 0 ? Double(statistics.bytes) / Double(statistics.documents) : 0
      let parameters = statistics.parameters
      switch format {
      case .json:
        var line: [UInt8] = Array("{\"documents\": \(statistics.documents), \"removed\": \(statistics.removed), ".utf8)
        line += Array("\"bytes\": \(statistics.bytes), \"bytes_per_document\": \(Format.fixed(perDocument, 1)), ".utf8)
        line += Array(
          "\"open_seconds\": \(Format.fixed(openSeconds, 6)), \"generation\": \(statistics.generation), ".utf8)
        line += Array("\"parameters\": {\"shingle\": \"\(parameters.sketch.shingle.rawValue)\", ".utf8)
        line += Array(
          "\"ngram\": \(parameters.sketch.shingleSize), \"permutations\": \(parameters.sketch.permutationCount), ".utf8)
        line += Array(
          "\"seed\": \(parameters.sketch.seed), \"split_glued_words\": \(parameters.sketch.splitsGluedWords), ".utf8)
        line += Array("\"threshold\": \(parameters.threshold), \"measure\": \"\(parameters.measure.rawValue)\", ".utf8)
        line += Array("\"bands\": \(parameters.lsh.bands), \"rows\": \(parameters.lsh.rows)}, \"segments\": [".utf8)
        for (position, segment) in statistics.segments.enumerated() {
          if position > 0 { line += Array(", ".utf8) }
          line += Array("{\"name\": ".utf8)
          appendJSONString(segment.name, to: &line)
          line += Array(", \"documents\": \(segment.documents), \"bytes\": \(segment.bytes)}".utf8)
        }
        line += Array("]}".utf8)
        print(String(decoding: line, as: UTF8.self))
      case .text:
        print(
          "Index       \(location.index) (generation \(statistics.generation), opened in \(Format.seconds(openSeconds)))"
        )
        print(
          "Documents   \(Format.count(statistics.documents)) (\(Format.count(statistics.removed)) removed, awaiting compaction)"
        )
        print(
          "Size        \(Format.megabytes(statistics.bytes)) on disk, \(Format.count(Int(perDocument))) bytes per document"
        )
        print(NearDup.Index.Build.describe(parameters))
        print("Segments    \(statistics.segments.count)")
        for segment in statistics.segments {
          print(
            "            \(segment.name)  \(Format.count(segment.documents)) documents, \(Format.megabytes(segment.bytes))"
          )
        }
      }
    }
  }
}

/// Report formats of commands that print one summary.
enum ReportFormat: String, ExpressibleByArgument, CaseIterable {
  case text, json
}
