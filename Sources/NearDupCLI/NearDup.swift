#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif
import ArgumentParser
import NearDupCore

/// The `neardup` command: near-duplicate detection and clustering for news text.
@main
struct NearDup: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "neardup",
    abstract: "Find and cluster near-duplicate news articles.",
    discussion: """
      NearDup groups the copies of an article that other sites republished with small \
      changes: spam words glued into the headline, a new byline, a tail of unrelated \
      headlines, dropped or reordered paragraphs. Exit codes: 0 success, 1 error \
      (bad input, unreadable file), 64 usage error.
      """,
    version: "0.1.0",
    subcommands: [Cluster.self, Eval.self, Index.self, Query.self, Serve.self, Synth.self, Bench.self],
    defaultSubcommand: Cluster.self)

  /// Starts building the tokenizer's Unicode table on another thread, then parses the
  /// command line and runs the command. The table takes milliseconds to build
  /// (docs/Performance.md); made while the arguments are parsed and the input
  /// opened, it is ready (or nearly) when the first worker meets a non-ASCII letter,
  /// instead of holding that worker up.
  /// Commands' large results are left for the kernel to reclaim at exit
  /// (`ProcessTeardown`).
  ///
  /// A closed pipe is an error like any other: SIGPIPE is ignored, so a write to it
  /// fails with EPIPE, and the command (or, for what it printed, this function) exits
  /// 1 naming the output.
  static func main() async {
    signal(SIGPIPE, SIG_IGN)
    TextNormalizer.prepareUnicodeTable()
    ProcessTeardown.skipFreeingAtExit()
    await main(nil)
    Terminal.finishStandardOutput()
  }
}
