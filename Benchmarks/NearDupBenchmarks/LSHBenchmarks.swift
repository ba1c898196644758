import Benchmark
import NearDupCore

/// LSH: candidate pairs from the signatures of 10,000 synthetic documents (whole
/// documents of the generator: wire stories with syndicated copies, look-alike
/// reports, singletons), banded as `neardup cluster` does by default (containment
/// 0.8: the main banding plus the size-gap bandings), on one thread.
///
/// - `LSH/candidates/10k-docs`: `CandidateGenerator.candidates`: band keys, one
///   radix sort per band, the pairs of each bucket, then merged and deduplicated.
///   Allocates its per-band arrays and its output.
func lshBenchmarks() {
  Benchmark(
    "LSH/candidates/10k-docs", configuration: .allocating(scalingFactor: .one)
  ) { benchmark, state in
    for _ in benchmark.scaledIterations {
      blackHole(
        state.generator.candidates(
          in: state.signatures, among: state.documents, threads: 1, shingleCounts: state.shingleCounts))
    }
  } setup: {
    try LSHState(documentCount: 10_000)
  }
}

/// The signature matrix, shingle counts and generator of the LSH benchmark.
final class LSHState {
  let signatures: SignatureMatrix
  let shingleCounts: [UInt32]
  let documents: [UInt32]
  let generator: CandidateGenerator

  init(documentCount: Int) throws {
    let configuration = try ClusterConfiguration(threads: 1)
    var sketcher = DocumentSketcher(parameters: configuration.sketch)
    var signatures = SignatureMatrix(permutationCount: configuration.sketch.permutationCount)
    var shingleCounts: [UInt32] = []
    SyntheticCorpus(seed: 1).generate(count: documentCount) { document in
      var title = document.title
      var text = document.text
      title.withUTF8 { title in
        text.withUTF8 { body in
          signatures.appendRows(1) { row in
            shingleCounts.append(UInt32(sketcher.sketch(title: title, body: body, signature: row).shingleCount))
          }
        }
      }
    }
    self.signatures = signatures
    self.shingleCounts = shingleCounts
    documents = (0..<UInt32(documentCount)).map { $0 }
    var generator = CandidateGenerator(lsh: configuration.resolvedLSH)
    generator.gapBandings = configuration.gapBandings
    self.generator = generator
  }
}
