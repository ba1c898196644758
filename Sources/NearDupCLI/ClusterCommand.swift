import ArgumentParser
import Foundation
import NearDupCore

extension NearDup {
  /// `neardup cluster`: read a corpus, find near-duplicates, print a report and
  /// write clusters, pairs and a deduplicated copy.
  struct Cluster: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "cluster",
      abstract: "Group near-duplicate documents into clusters.",
      discussion: """
        INPUT is a JSON Lines file, a directory of .txt/.md files, a text file (one \
        document, or one per line with --lines), or - for standard input; any of them \
        may be gzip-compressed. With no INPUT, the embedded corpus Corpus/ is clustered. \
        With --index, the documents of an index are clustered without re-reading texts, \
        with the index's parameters.
        """)

    @Argument(help: "Corpus files or directories; - reads standard input. Default: Corpus/.")
    var inputs: [String] = []

    @OptionGroup(title: "Input") var corpus: CorpusOptionGroup
    @OptionGroup(title: "Shingles and signatures") var sketch: SketchOptionGroup

    @OptionGroup(title: "Similarity") var similarity: SimilarityOptionGroup
    @OptionGroup(title: "Clustering") var clustering: ClusteringOptionGroup

    @Option(name: .shortAndLong, help: "Write clusters to FILE (- for standard output; .gz compresses).")
    var output: String?

    @Option(help: "Cluster file format: jsonl or csv.")
    var format: ClusterOutputFormat = .jsonl

    @Option(help: "Write every verified pair to FILE as JSON Lines.")
    var pairs: String?

    @Option(help: "Write the input records minus the non-representative members of each cluster to FILE.")
    var dedupOutput: String?

    @Flag(
      help: "Also write documents without near-duplicates to --output, as clusters of one (empty documents included).")
    var singletons = false

    @Option(help: "Clusters listed in the report.")
    var top = 10

    @Flag(name: .shortAndLong, help: "Print no report.")
    var quiet = false

    @Option(help: "Report format: text, or json (one object, for scripts).")
    var report: ReportFormat = .text

    @Option(help: "Cluster the documents of this index (built with `neardup index build`) instead of reading INPUT.")
    var index: String?

    func validate() throws {
      guard top >= 0 else { throw ValidationError("--top must not be negative.") }
      _ = try similarity.lshParameters(
        permutationCount: sketch.permutations ?? SketchParameters.default.permutationCount)
      if index != nil && !inputs.isEmpty { throw ValidationError("Give either INPUT or --index, not both.") }
      if index != nil && dedupOutput != nil {
        throw ValidationError("--dedup-output needs the input records; it cannot be used with --index.")
      }
      let outputs = [("--output", output), ("--pairs", pairs), ("--dedup-output", dedupOutput)]
        .compactMap { flag, path in path.map { (flag: flag, path: $0) } }
      if outputs.filter({ $0.path == "-" }).count > 1 {
        throw ValidationError("Only one output can go to standard output.")
      }
      let resolved = inputs.filter { $0 != "-" }.map { CorpusInput(path: $0, kind: .jsonLines) }
      try InputResolver.checkOutputs(outputs, inputs: resolved)
    }

    /// Whether the report shows previews: only the text report does, beside the
    /// members of its largest clusters. Otherwise none are kept.
    var reportShowsPreviews: Bool { !quiet && report == .text && top > 0 }

    func run() throws {
      let options = corpus.corpusOptions
      var inputs = index == nil ? try InputResolver.resolve(self.inputs, options: options) : []
      var spooledInput: String?
      defer { if let spooledInput { try? FileManager.default.removeItem(atPath: spooledInput) } }
      if dedupOutput != nil, let index = inputs.firstIndex(where: { $0.path == "-" }) {
        // The deduplicated copy needs a second pass over the records.
        let path = try InputResolver.spoolStandardInput()
        spooledInput = path
        inputs[index] = CorpusInput(path: path, kind: inputs[index].kind, label: "<stdin>")
      }
      let configuration: ClusterConfiguration
      let indexView: LSHIndex?
      if let index {
        let view = try LSHIndex.open(index)
        try sketch.checkAgainst(view.parameters.sketch, index: index)
        try similarity.checkAgainst(view.parameters, index: index)
        configuration = try ClusterConfiguration(
          sketch: view.parameters.sketch, threshold: view.parameters.threshold, measure: view.parameters.measure,
          lsh: view.parameters.lsh, verification: clustering.verify, keep: clustering.keep, linkage: clustering.linkage,
          boilerplateShare: clustering.boilerplateShare, keepsPreviews: reportShowsPreviews, threads: clustering.threads
        )
        indexView = view
      } else {
        configuration = try clustering.configuration(
          sketch: sketch.parameters(), similarity: similarity, keepsPreviews: reportShowsPreviews)
        indexView = nil
      }

      // Create output files first: a bad output path fails before the work.
      let clusterFile = try output.map { try OutputFile(path: $0) }
      let pairFile = try pairs.map { try OutputFile(path: $0) }
      let dedupFile = try dedupOutput.map { try OutputFile(path: $0) }

      // The pair file is written (and synced to disk) by the pipeline's second thread
      // while the clusters form; the cluster file after that.
      var pairFailure: (any Error)?
      let writePairs: ((PairList) -> Void)? = pairFile.map { file in
        { pairs in
          do {
            try ResultWriter.writePairs(pairs, to: file)
            try file.commit()
          } catch {
            pairFailure = error
          }
        }
      }
      let progress = ProgressLine()
      let pipeline = ClusterPipeline(configuration: configuration)
      let result: ClusterResult
      do {
        if let indexView {
          var clock = Stopwatch()
          var corpus = try indexView.sketchedCorpus(
            retention: clustering.verify == .exact ? .digests : .signaturesOnly,
            boilerplateShare: clustering.boilerplateShare)
          corpus.statistics.times.front = clock.lap()
          corpus.statistics.threads = clustering.threads
          result = pipeline.cluster(corpus, progress: { progress.update($0) }, pairsReady: writePairs)
        } else {
          result = try pipeline.run(
            reader: CorpusReader(inputs: inputs, options: options), progress: { progress.update($0) },
            pairsReady: writePairs)
        }
      } catch {
        progress.finish()
        throw error
      }
      progress.finish()
      if let pairFailure { throw pairFailure }
      if let clusterFile {
        try ResultWriter.writeClusters(result, format: format, includeSingletons: singletons, to: clusterFile)
        try clusterFile.commit()
      }
      if let dedupFile {
        let second = CorpusReader(inputs: inputs, options: options, keepsRecords: true)
        try ResultWriter.writeDeduplicated(result, reader: second, to: dedupFile)
        try dedupFile.commit()
      }
      if !quiet {
        let rendered = ClusterReport(result: result, clusterLimit: top, memberLimit: 10)
        let report = self.report == .json ? rendered.json : rendered.text
        if output == "-" || pairs == "-" || dedupOutput == "-" {
          Terminal.writeError(report)
        } else {
          print(report, terminator: "")
        }
      }
      ProcessTeardown.keepUntilExit(result)
    }
  }
}
