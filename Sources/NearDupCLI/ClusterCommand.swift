import ArgumentParser
import Foundation
import NearDupCore

extension NearDup {
  /// `neardup cluster`: read a corpus, find near-duplicates, print a report and
  /// write clusters, pairs and a deduplicated copy.
  struct Cluster: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Group near-duplicate documents into clusters.",
      discussion: """
        INPUT is a JSON Lines file, a directory of .txt/.md files, a text file (one
        document, or one per line with --lines), or - for standard input; any of them
        may be gzip-compressed. With no INPUT, the embedded corpus Corpus/ is clustered.
        """)

    @Argument(help: "Corpus files or directories; - reads standard input. Default: Corpus/.")
    var inputs: [String] = []

    @OptionGroup(title: "Input") var corpus: CorpusOptionGroup
    @OptionGroup(title: "Shingles and signatures") var sketch: SketchOptionGroup

    @Option(help: "Similarity threshold in (0, 1].")
    var threshold = 0.8

    @Option(help: "Similarity measure: jaccard, or containment (|A∩B| / min(|A|,|B|), for padded or cut copies).")
    var measure: SimilarityMeasure = .containment

    @Option(help: "LSH bands b (default: chosen from the threshold and permutations).")
    var bands: Int?

    @Option(help: "LSH rows r per band (default: chosen; with --bands alone, permutations / bands).")
    var rows: Int?

    @Option(help: "Candidate verification: exact (fingerprint sets) or signature (MinHash estimate).")
    var verify: VerificationMethod = .exact

    @Option(help: "Cluster representative: longest, first or shortest member.")
    var keep: KeepPolicy = .longest

    @Option(help: "Worker threads (default: all cores).")
    var threads = ProcessInfo.processInfo.activeProcessorCount

    @Option(name: .shortAndLong, help: "Write clusters to FILE (- for standard output; .gz compresses).")
    var output: String?

    @Option(help: "Cluster file format: jsonl or csv.")
    var format: ClusterOutputFormat = .jsonl

    @Option(help: "Write every verified pair to FILE as JSON Lines.")
    var pairs: String?

    @Option(help: "Write the input records minus the non-representative members of each cluster to FILE.")
    var dedupOutput: String?

    @Flag(help: "Also write documents without near-duplicates to --output, as clusters of one.")
    var singletons = false

    @Option(help: "Clusters listed in the report.")
    var top = 10

    @Flag(name: .shortAndLong, help: "Print no report.")
    var quiet = false

    func validate() throws {
      guard threshold > 0, threshold <= 1 else {
        throw ValidationError("--threshold must be in (0, 1] (got \(threshold)).")
      }
      guard threads >= 1 else { throw ValidationError("--threads must be at least 1 (got \(threads)).") }
      guard top >= 0 else { throw ValidationError("--top must not be negative.") }
      _ = try lshParameters()
      let outputs = [("--output", output), ("--pairs", pairs), ("--dedup-output", dedupOutput)]
        .compactMap { flag, path in path.map { (flag: flag, path: $0) } }
      if outputs.filter({ $0.path == "-" }).count > 1 { throw ValidationError("Only one output can go to standard output.") }
      let resolved = inputs.filter { $0 != "-" }.map { CorpusInput(path: $0, kind: .jsonLines) }
      try InputResolver.checkOutputs(outputs, inputs: resolved)
    }

    /// The banding the flags ask for, or nil to choose it.
    func lshParameters() throws -> LSHParameters? {
      let k = sketch.permutations
      guard bands != nil || rows != nil else { return nil }
      let b = bands ?? max(1, k / max(1, rows!))
      let r = rows ?? max(1, k / max(1, b))
      do {
        return try LSHParameters(bands: b, rows: r, permutationCount: k)
      } catch {
        throw ValidationError("--bands \(b) × --rows \(r) = \(b * r) exceeds --permutations \(k), or is below 1.")
      }
    }

    func run() throws {
      let options = corpus.corpusOptions
      var inputs = try InputResolver.resolve(self.inputs, options: options)
      var spooledInput: String?
      defer { if let spooledInput { try? FileManager.default.removeItem(atPath: spooledInput) } }
      if dedupOutput != nil, let index = inputs.firstIndex(where: { $0.path == "-" }) {
        // The deduplicated copy needs a second pass over the records.
        let path = try InputResolver.spoolStandardInput()
        spooledInput = path
        inputs[index] = CorpusInput(path: path, kind: inputs[index].kind, label: "<stdin>")
      }
      let configuration = try ClusterConfiguration(
        sketch: sketch.parameters(), threshold: threshold, measure: measure, lsh: lshParameters(),
        verification: verify, keep: keep, threads: threads)

      // Create output files first: a bad output path fails before the work.
      let clusterFile = try output.map { try OutputFile(path: $0) }
      let pairFile = try pairs.map { try OutputFile(path: $0) }
      let dedupFile = try dedupOutput.map { try OutputFile(path: $0) }

      let progress = ProgressLine()
      let reader = CorpusReader(inputs: inputs, options: options)
      let result: ClusterResult
      do {
        result = try ClusterPipeline(configuration: configuration).run(reader: reader) { progress.update($0) }
      } catch {
        progress.finish()
        throw error
      }
      progress.finish()

      if let clusterFile {
        try ResultWriter.writeClusters(result, format: format, includeSingletons: singletons, to: clusterFile)
        try clusterFile.commit()
      }
      if let pairFile {
        try ResultWriter.writePairs(result, to: pairFile)
        try pairFile.commit()
      }
      if let dedupFile {
        let second = CorpusReader(inputs: inputs, options: options, keepsRecords: true)
        try ResultWriter.writeDeduplicated(result, reader: second, to: dedupFile)
        try dedupFile.commit()
      }
      if !quiet {
        let report = ClusterReport(result: result, clusterLimit: top, memberLimit: 10).text
        if output == "-" || pairs == "-" || dedupOutput == "-" {
          Terminal.writeError(report)
        } else {
          print(report, terminator: "")
        }
      }
    }
  }
}
