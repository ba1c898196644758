import ArgumentParser
import NearDupCore

extension NearDup {
  /// `neardup synth`: a synthetic wire-story corpus of any size.
  struct Synth: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "synth",
      abstract: "Write a synthetic wire-story corpus with true story labels.",
      discussion: """
        Stories and their syndicated copies (spam names glued in, metadata lines, site \
        templates with "More / Recommend" blocks, dropped or swapped paragraphs, word edits, \
        other datelines), formulaic look-alike reports that are different stories, and \
        unrelated singletons, as JSON Lines with id, title, text, story, source and kind. \
        The same seed and size always give the same file; memory stays constant.
        """)

    @Option(help: "Number of documents.")
    var docs = 100_000
    @Option(name: .shortAndLong, help: "Output file (.gz compresses; - for standard output).")
    var output: String
    @Option(help: "Seed of the generator.")
    var seed: UInt64 = 1

    func validate() throws {
      guard docs >= 1 else { throw ValidationError("--docs must be at least 1 (got \(docs)).") }
    }

    func run() throws {
      let file = try OutputFile(path: output)
      let progress = ProgressLine()
      let clock = Stopwatch()
      try SyntheticCorpus(seed: seed).write(count: docs, to: file) { written in
        progress.update(PipelineProgress(stage: "write", documents: written, bytes: 0, elapsed: clock.elapsed))
      }
      try file.commit()
      progress.finish()
    }
  }
}
