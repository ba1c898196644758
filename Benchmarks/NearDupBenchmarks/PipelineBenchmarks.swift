import Benchmark
import NearDupCore

/// Pipeline: the whole per-document front of the pipeline.
///
/// - `Pipeline/sketchDocument/2KiB`: `DocumentSketcher.sketch` with the default
///   parameters (word 5-grams, k = 128, one permutation hashing) and digest
///   retention, as `neardup cluster` runs it: tokens hashed, shingle fingerprints,
///   signature, sorted digest set and content key. Compare its throughput with
///   `Normalize/tokenizeAndXXH3/2KiB` on the same bytes: the target is at least 50 %.
func pipelineBenchmarks() {
  Benchmark(
    "Pipeline/sketchDocument/2KiB", configuration: .allocationFree(scalingFactor: .kilo)
  ) { benchmark, state in
    var tokens = 0
    state.signature.withUnsafeMutableBufferPointer { signature in
      for iteration in benchmark.scaledIterations {
        state.documents[iteration % state.documents.count].withUnsafeBufferPointer { text in
          tokens &+= state.sketcher.sketch(text, signature: signature).tokenCount
        }
      }
    }
    blackHole(tokens)
  } setup: {
    PipelineState(documents: Inputs.documents(byteCount: 2048))
  }
}

/// Inputs, the sketcher and the reusable signature of the Pipeline benchmark; the
/// sketcher's buffers are grown in setup.
final class PipelineState {
  let documents: [[UInt8]]
  var sketcher = DocumentSketcher(parameters: .default, retention: .digests)
  var signature = [UInt32](repeating: 0, count: SketchParameters.default.permutationCount)

  init(documents: [[UInt8]]) {
    self.documents = documents
    signature.withUnsafeMutableBufferPointer { signature in
      for document in documents {
        document.withUnsafeBufferPointer { _ = sketcher.sketch($0, signature: signature) }
      }
    }
  }
}
