import Benchmark
import NearDupCore

/// Normalize: the tokenizer, on 2 KiB synthetic news documents.
///
/// - `Normalize/hashTokens/2KiB`: the fused path of word shingling
///   (`TextNormalizer.hashTokens`): tokens are case-folded and hashed with XXH3-64
///   straight from the input bytes.
/// - `Normalize/tokenizeAndXXH3/2KiB`: tokenize into a `TokenBuffer`, then XXH3-64
///   every token (`Shingler.hashTokens`): the reference that
///   `Pipeline/sketchDocument/2KiB` is held to (at least half its speed).
func normalizeBenchmarks() {
  Benchmark(
    "Normalize/hashTokens/2KiB", configuration: .allocationFree(scalingFactor: .kilo)
  ) { benchmark, state in
    for iteration in benchmark.scaledIterations {
      state.documents[iteration % state.documents.count].withUnsafeBufferPointer { text in
        blackHole(state.normalizer.hashTokens(text, into: &state.hashes, scratch: &state.scratch))
      }
    }
    blackHole(state.hashes.count)
  } setup: {
    NormalizeState(documents: Inputs.documents(byteCount: 2048))
  }

  Benchmark(
    "Normalize/tokenizeAndXXH3/2KiB", configuration: .allocationFree(scalingFactor: .kilo)
  ) { benchmark, state in
    for iteration in benchmark.scaledIterations {
      state.documents[iteration % state.documents.count].withUnsafeBufferPointer { text in
        state.normalizer.tokenize(text, into: &state.tokens)
      }
      Shingler.hashTokens(state.tokens, into: &state.hashes)
    }
    blackHole(state.hashes.count)
  } setup: {
    NormalizeState(documents: Inputs.documents(byteCount: 2048))
  }
}

/// Inputs and reusable buffers of the Normalize benchmarks, grown in setup so that
/// the measured calls reuse them.
final class NormalizeState {
  let documents: [[UInt8]]
  let normalizer = TextNormalizer()
  var hashes: [UInt64] = []
  var scratch = TokenizerScratch()
  var tokens = TokenBuffer()

  init(documents: [[UInt8]]) {
    self.documents = documents
    for document in documents {
      document.withUnsafeBufferPointer { text in
        normalizer.hashTokens(text, into: &hashes, scratch: &scratch)
        normalizer.tokenize(text, into: &tokens)
      }
      Shingler.hashTokens(tokens, into: &hashes)
    }
  }
}
