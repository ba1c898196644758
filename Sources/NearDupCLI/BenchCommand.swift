import ArgumentParser
import Foundation
import NearDupCore
import Synchronization

extension NearDup {
  /// `neardup bench`: the end-to-end throughput report.
  struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "bench",
      abstract: "Measure clustering throughput stage by stage, per thread count and sketch scheme.",
      discussion: """
        Each configuration runs `neardup cluster` as a child process on the same corpus \
        (a synthetic corpus of --docs documents when no INPUT is given), so that its peak \
        memory is its own. Reports time per stage, docs/s and MB/s overall and per core, \
        the scaling between thread counts, peak memory and bytes of state per document; \
        and, per sketch scheme, the accuracy of the Jaccard estimates (mean squared error \
        against exact Jaccard) and the LSH pair recall at the threshold, on a sample. \
        With --repeat N every configuration runs N times, the rounds interleaved so that \
        a busy moment of a shared machine does not fall on one configuration only, and \
        the fastest run of each is reported. \
        Each round also runs N one-thread copies side by side, N the largest thread \
        count (up to the cores), to measure how much this machine's cores slow each \
        other down: N cores together do N / (side-by-side time / time alone) times the \
        work of one, the ceiling of the N-thread scaling (--no-side-by-side skips it).
        """)

    @Argument(help: "A JSON Lines corpus (default: a synthetic corpus of --docs documents).")
    var input: String?
    @Option(help: "Documents of the synthetic corpus.")
    var docs = 100_000
    @Option(help: "Seed of the synthetic corpus.")
    var seed: UInt64 = 1
    @Option(help: "Comma-separated thread counts.")
    var threads = "1,2"
    @Option(help: "Comma-separated sketch schemes (oph, minhash).")
    var sketch = "oph,minhash"
    @Option(help: "Similarity measure of the runs.")
    var measure: SimilarityMeasure = .jaccard
    @Option(help: "Similarity threshold of the runs.")
    var threshold = 0.8
    @Option(help: "Documents sampled for the accuracy measurement (0 skips it).")
    var accuracySample = 20_000
    @Option(help: "Runs per configuration, interleaved; the fastest is reported.")
    var `repeat` = 1
    @Option(help: "Output format: text or json.")
    var format: ReportFormat = .text
    @Flag(inversion: .prefixedNo, help: "Run one-thread copies side by side to measure the machine's scaling ceiling.")
    var sideBySide = true

    func validate() throws {
      guard docs >= 1 else { throw ValidationError("--docs must be at least 1.") }
      guard !threadCounts.isEmpty else {
        throw ValidationError("--threads takes a comma-separated list of positive counts, e.g. 1,2.")
      }
      try threadCounts.forEach(validateThreads)
      guard !schemes.isEmpty, schemes.count == sketch.split(separator: ",").count else {
        throw ValidationError("--sketch takes a comma-separated list of oph and minhash.")
      }
      guard threshold > 0, threshold <= 1 else { throw ValidationError("--threshold must be in (0, 1].") }
      guard `repeat` >= 1 else { throw ValidationError("--repeat must be at least 1.") }
    }

    var threadCounts: [Int] {
      threads.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
    }
    var schemes: [SketchScheme] { sketch.split(separator: ",").compactMap { SketchScheme(rawValue: String($0)) } }

    /// One measured configuration: its fastest run (by the report's total time).
    struct Run {
      var scheme: SketchScheme
      var threads: Int
      var report: ClusterReportJSON
      var seconds: Double
      var peakMemory: Int
      /// The report's total seconds of every run, in the order they ran.
      var totals: [Double] = []

      var total: Double { report.seconds.total }
    }

    /// One-thread copies of one configuration run at once.
    struct SideBySide {
      var scheme: SketchScheme
      var copies: Int
      /// The copies' mean report total in each round.
      var meanTotals: [Double] = []
    }

    /// How many one-thread copies run side by side: the largest thread count, up to
    /// the cores (none without a one-thread configuration to compare with).
    var sideBySideCopies: Int {
      guard sideBySide, threadCounts.contains(1) else { return 0 }
      let copies = min(threadCounts.max() ?? 1, ProcessInfo.processInfo.activeProcessorCount)
      return copies > 1 ? copies : 0
    }

    func run() throws {
      var corpusPath = input
      // Removed, with the synthetic corpus, when the run ends.
      var temporary: TemporaryDirectory?
      if corpusPath == nil {
        let directory = try TemporaryDirectory(prefix: "neardup-bench-")
        temporary = directory
        let path = directory.file("corpus.jsonl")
        Terminal.writeError("Writing a synthetic corpus of \(Format.count(docs)) documents to \(path) …\n")
        let file = try OutputFile(path: path)
        try SyntheticCorpus(seed: seed).write(count: docs, to: file)
        try file.commit()
        corpusPath = path
      }
      defer { withExtendedLifetime(temporary) {} }
      let corpus = corpusPath!
      let configurations = schemes.flatMap { scheme in threadCounts.map { (scheme: scheme, threads: $0) } }
      var runs: [Run?] = Array(repeating: nil, count: configurations.count)
      var sideBySideRuns = sideBySideCopies > 0 ? SideBySide(scheme: schemes[0], copies: sideBySideCopies) : nil
      for round in 1...`repeat` {
        let roundNote = `repeat` > 1 ? " (round \(round) of \(`repeat`))" : ""
        for (index, configuration) in configurations.enumerated() {
          let (scheme, threadCount) = configuration
          Terminal.writeError(
            "Running \(scheme.rawValue) on \(threadCount) thread\(threadCount == 1 ? "" : "s")\(roundNote) …\n")
          let (report, outcome) = try cluster(corpus, scheme: scheme, threads: threadCount)
          var run = Run(
            scheme: scheme, threads: threadCount, report: report, seconds: outcome.seconds,
            peakMemory: outcome.peakMemory)
          let totals = (runs[index]?.totals ?? []) + [run.total]
          if let best = runs[index], best.total <= run.total { run = best }
          run.totals = totals
          runs[index] = run
        }
        if let copies = sideBySideRuns?.copies, let scheme = sideBySideRuns?.scheme {
          Terminal.writeError("Running \(copies) copies of \(scheme.rawValue) on 1 thread side by side\(roundNote) …\n")
          sideBySideRuns?.meanTotals.append(try meanTotalSideBySide(corpus, scheme: scheme, copies: copies))
        }
      }
      let measured = runs.compactMap { $0 }
      let accuracy = try accuracySample > 0 ? measureAccuracy(corpus) : []
      switch format {
      case .text:
        print(text(corpus: corpus, runs: measured, sideBySideRuns: sideBySideRuns, accuracy: accuracy), terminator: "")
      case .json: print(json(corpus: corpus, runs: measured, sideBySideRuns: sideBySideRuns, accuracy: accuracy))
      }
    }

    /// Runs `neardup cluster` on `corpus` as a child process; its JSON report and outcome.
    private func cluster(_ corpus: String, scheme: SketchScheme, threads: Int) throws -> (
      ClusterReportJSON, ChildProcess.Outcome
    ) {
      let arguments = [
        "cluster", corpus, "--threads", String(threads), "--sketch", scheme.rawValue, "--measure", measure.rawValue,
        "--threshold", String(threshold), "--report", "json", "--top", "0",
      ]
      let outcome = try ChildProcess.run(ChildProcess.currentExecutable, arguments)
      guard outcome.status == 0,
        let report = try? ClusterReportJSON.decoder.decode(ClusterReportJSON.self, from: outcome.output)
      else {
        throw ChildProcessError.failed(command: "neardup " + arguments.joined(separator: " "), status: outcome.status)
      }
      return (report, outcome)
    }

    /// Runs `copies` one-thread clusterings of `corpus` at once; the mean of their
    /// report totals.
    private func meanTotalSideBySide(_ corpus: String, scheme: SketchScheme, copies: Int) throws -> Double {
      let results = Mutex<[Result<Double, any Error>]>([])
      DispatchQueue.concurrentPerform(iterations: copies) { _ in
        let result = Result { () throws -> Double in
          try cluster(corpus, scheme: scheme, threads: 1).0.seconds.total
        }
        results.withLock { $0.append(result) }
      }
      let totals = try results.withLock { $0 }.map { try $0.get() }
      return totals.reduce(0, +) / Double(totals.count)
    }

    // MARK: Accuracy of the sketch schemes

    /// The accuracy of one scheme's estimates on the sample.
    struct Accuracy: Encodable {
      var scheme: SketchScheme
      var pairs: Int
      var meanSquaredError: Double
      var pairsAtThreshold: Int
      var expectedRecall: Double
      var candidateRecall: Double

      private enum CodingKeys: String, CodingKey {
        case scheme = "sketch", pairs, meanSquaredError, pairsAtThreshold, expectedRecall, candidateRecall
      }
    }

    /// Sketches a sample of the corpus with every scheme; over the pairs with exact
    /// Jaccard ≥ 0.3, compares the estimates with the exact values, and measures which
    /// pairs at or above the threshold become LSH candidates.
    func measureAccuracy(_ corpus: String) throws -> [Accuracy] {
      Terminal.writeError("Measuring estimate accuracy on \(Format.count(accuracySample)) documents …\n")
      var results: [Accuracy] = []
      var truth: [Edge]?
      for scheme in schemes {
        let parameters = try SketchParameters(scheme: scheme)
        let reader = CorpusReader(inputs: [CorpusInput(path: corpus, kind: .jsonLines)], options: CorpusOptions())
        let sketcher = CorpusSketcher(parameters: parameters, threads: ProcessInfo.processInfo.activeProcessorCount)
        var batch = DocumentBatch()
        var documents: [Document] = []
        while documents.count < accuracySample, try reader.read(into: &batch, maximumDocuments: 4096) {
          for index in 0..<batch.count where documents.count < accuracySample {
            documents.append(
              Document(
                id: batch.ids[index],
                text: String(decoding: batch.content[batch.contentRange(of: index)], as: UTF8.self)))
          }
        }
        let sketched = sketcher.sketch(documents: documents)
        if truth == nil {
          truth = ExactSimilarityJoin(measure: .jaccard, threshold: 0.3).pairs(
            in: sketched.digests!, threads: ProcessInfo.processInfo.activeProcessorCount)
        }
        let lsh = LSHParameters.optimal(threshold: threshold, permutationCount: parameters.permutationCount)
        let candidates = Set(
          CandidateGenerator(lsh: lsh).candidates(
            in: sketched.signatures, among: (0..<UInt32(documents.count)).map { $0 }, threads: 2))
        var squaredError = 0.0
        var atThreshold = 0
        var expected = 0.0
        var found = 0
        let k = parameters.permutationCount
        sketched.signatures.withRows { rows in
          for edge in truth! {
            let a = Int(edge.a)
            let b = Int(edge.b)
            let estimate = Signature.estimatedJaccard(
              UnsafeBufferPointer(rebasing: rows[a * k..<(a + 1) * k]),
              UnsafeBufferPointer(rebasing: rows[b * k..<(b + 1) * k]))
            squaredError += (estimate - edge.similarity) * (estimate - edge.similarity)
            if edge.similarity >= threshold {
              atThreshold += 1
              expected += lsh.probability(edge.similarity)
              if candidates.contains(UInt64(edge.a) << 32 | UInt64(edge.b)) { found += 1 }
            }
          }
        }
        let pairs = truth!.count
        results.append(
          Accuracy(
            scheme: scheme, pairs: pairs, meanSquaredError: pairs > 0 ? squaredError / Double(pairs) : 0,
            pairsAtThreshold: atThreshold, expectedRecall: atThreshold > 0 ? expected / Double(atThreshold) : 1,
            candidateRecall: atThreshold > 0 ? Double(found) / Double(atThreshold) : 1))
      }
      return results
    }

    // MARK: Reports

    private func text(corpus: String, runs: [Run], sideBySideRuns: SideBySide?, accuracy: [Accuracy]) -> String {
      var lines: [String] = []
      let documents = runs.first?.report.documents ?? 0
      let bytes = runs.first?.report.bytes ?? 0
      lines.append("NearDup bench: \(corpus)")
      lines.append(
        "\(Format.count(documents)) documents, \(Format.megabytes(bytes)); word 5-grams, 128 permutations, "
          + "\(measure.rawValue) ≥ \(Format.fixed(threshold, 2)), exact verification")
      lines.append("Machine: \(Bench.machine)")
      if `repeat` > 1 { lines.append("Fastest of \(`repeat`) interleaved runs per configuration") }
      lines.append("")
      lines.append(
        "sketch   threads     docs/s     MB/s  docs/s/core   wall s  boilerplate  read+sketch  candidates  verify  cluster   peak MiB  state B/doc"
      )
      for run in runs {
        let seconds = run.report.seconds.total
        let rate = seconds > 0 ? Double(documents) / seconds : 0
        lines.append(
          Format.padded(run.scheme.rawValue, 8) + " " + Format.padded(String(run.threads), 7)
            + leftPadded(Format.count(Int(rate)), 11)
            + leftPadded(Format.fixed(Double(bytes) / 1e6 / max(seconds, 1e-9), 1), 9)
            + leftPadded(Format.count(Int(rate / Double(run.threads))), 13)
            + leftPadded(Format.fixed(run.seconds, 2), 9)
            + leftPadded(Format.fixed(run.report.seconds.boilerplate, 3), 13)
            + leftPadded(Format.fixed(run.report.seconds.readAndSketch, 3), 13)
            + leftPadded(Format.fixed(run.report.seconds.candidates, 3), 12)
            + leftPadded(Format.fixed(run.report.seconds.verify, 3), 8)
            + leftPadded(Format.fixed(run.report.seconds.cluster, 3), 9)
            + leftPadded(Format.count(run.peakMemory >> 20), 11)
            + leftPadded(Format.count(run.report.stateBytes / max(documents, 1)), 13))
      }
      lines.append("")
      lines.append("Thread-seconds of the streaming stages (summed over threads):")
      lines.append("sketch   threads   read   parse  tokenize  fingerprint  sketch")
      for run in runs {
        lines.append(
          Format.padded(run.scheme.rawValue, 8) + " " + Format.padded(String(run.threads), 7)
            + leftPadded(Format.fixed(run.report.threadSeconds.read, 3), 7)
            + leftPadded(Format.fixed(run.report.threadSeconds.parse, 3), 8)
            + leftPadded(Format.fixed(run.report.threadSeconds.tokenize, 3), 10)
            + leftPadded(Format.fixed(run.report.threadSeconds.fingerprint, 3), 13)
            + leftPadded(Format.fixed(run.report.threadSeconds.sketch, 3), 8))
      }
      for scheme in schemes {
        let scaling = runs.filter { $0.scheme == scheme }.sorted { $0.threads < $1.threads }
        guard let one = scaling.first, let many = scaling.last, many.threads > one.threads else { continue }
        let speedup = one.report.seconds.total / max(many.report.seconds.total, 1e-9)
        lines.append(
          "Scaling (\(scheme.rawValue)): \(many.threads) threads run \(Format.fixed(speedup, 2))× as fast as \(one.threads), "
            + "efficiency \(Format.fixed(100 * speedup / Double(many.threads / one.threads), 0)) %")
      }
      if let sideBySideRuns, let together = sideBySideRuns.meanTotals.min(),
        let alone = runs.first(where: { $0.scheme == sideBySideRuns.scheme && $0.threads == 1 })?.total
      {
        let slowdown = together / max(alone, 1e-9)
        let ceiling = Double(sideBySideRuns.copies) / slowdown
        var line =
          "Side by side: \(sideBySideRuns.copies) one-thread \(sideBySideRuns.scheme.rawValue) runs at once take "
          + "\(Format.fixed(slowdown, 2))× as long as one alone (\(Format.fixed(together, 2)) s against "
          + "\(Format.fixed(alone, 2)) s): \(sideBySideRuns.copies) cores do at most \(Format.fixed(ceiling, 2))× the work of one"
        if let many = runs.first(where: { $0.scheme == sideBySideRuns.scheme && $0.threads == sideBySideRuns.copies }) {
          line +=
            ", and \(many.threads) threads reach \(Format.fixed(100 * alone / max(many.total, 1e-9) / ceiling, 0)) % of that"
        }
        lines.append(line)
      }
      if !accuracy.isEmpty {
        lines.append("")
        lines.append(
          "Estimate accuracy on the first \(Format.count(accuracySample)) documents (\(Format.count(accuracy[0].pairs)) pairs with exact Jaccard ≥ 0.3, "
            + "\(Format.count(accuracy[0].pairsAtThreshold)) at or above \(Format.fixed(threshold, 2))):")
        lines.append("sketch   MSE of Jaccard estimate   LSH pair recall at threshold (expected)")
        for entry in accuracy {
          lines.append(
            Format.padded(entry.scheme.rawValue, 8) + " " + Format.padded(Format.fixed(entry.meanSquaredError, 6), 26)
              + Format.fixed(entry.candidateRecall, 4) + " (" + Format.fixed(entry.expectedRecall, 4) + ")")
        }
      }
      return lines.joined(separator: "\n") + "\n"
    }

    /// The JSON report: the machine, and per configuration the fastest run's
    /// `ClusterReportJSON` with the bench's own measurements beside its fields.
    struct JSONReport: Encodable {
      /// One configuration's fastest run.
      struct RunObject: Encodable {
        var report: ClusterReportJSON
        var sketch: SketchScheme
        var wallSeconds: Double
        var peakMemoryBytes: Int
        var totalSecondsOfRuns: [Double]

        private enum CodingKeys: String, CodingKey {
          case sketch, wallSeconds, peakMemoryBytes, totalSecondsOfRuns
        }

        /// The report's fields, then the bench's, in one object.
        func encode(to encoder: any Encoder) throws {
          try report.encode(to: encoder)
          var container = encoder.container(keyedBy: CodingKeys.self)
          try container.encode(sketch, forKey: .sketch)
          try container.encode(wallSeconds, forKey: .wallSeconds)
          try container.encode(peakMemoryBytes, forKey: .peakMemoryBytes)
          try container.encode(totalSecondsOfRuns, forKey: .totalSecondsOfRuns)
        }
      }

      /// The one-thread copies run side by side.
      struct SideBySideObject: Encodable {
        var sketch: SketchScheme
        var copies: Int
        var meanTotalSecondsOfRounds: [Double]
      }

      var corpus: String
      var machine: String
      var `repeat`: Int
      var runs: [RunObject]
      var accuracy: [Accuracy]
      var sideBySide: SideBySideObject?
    }

    private func json(corpus: String, runs: [Run], sideBySideRuns: SideBySide?, accuracy: [Accuracy]) -> String {
      let report = JSONReport(
        corpus: corpus, machine: Bench.machine, repeat: `repeat`,
        runs: runs.map {
          JSONReport.RunObject(
            report: $0.report, sketch: $0.scheme, wallSeconds: $0.seconds, peakMemoryBytes: $0.peakMemory,
            totalSecondsOfRuns: $0.totals)
        }, accuracy: accuracy,
        sideBySide: sideBySideRuns.map {
          JSONReport.SideBySideObject(sketch: $0.scheme, copies: $0.copies, meanTotalSecondsOfRounds: $0.meanTotals)
        })
      // Encoding counts, strings and finite measurements cannot fail.
      return String(decoding: try! ClusterReportJSON.encoder.encode(report), as: UTF8.self)
    }

    private func leftPadded(_ text: String, _ width: Int) -> String {
      text.count >= width ? " " + text : String(repeating: " ", count: width - text.count) + text
    }

    /// CPU model, cores and memory of this machine.
    static var machine: String {
      let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
      let model =
        cpuinfo.split(separator: "\n").first { $0.hasPrefix("model name") }
        .map { String($0.split(separator: ":", maxSplits: 1).last ?? "").trimmingCharacters(in: .whitespaces) }
        ?? "unknown CPU"
      let memory = Double(ProcessInfo.processInfo.physicalMemory) / Double(1 << 30)
      return "\(model), \(ProcessInfo.processInfo.activeProcessorCount) cores, \(Format.fixed(memory, 1)) GiB"
    }
  }
}
