import Benchmark
import NearDupCore

/// Normalize: the tokenizer, on 2 KiB synthetic news documents.
///
/// - `Normalize/tokenize/2KiB`: the first step of sketching
///   (`TextNormalizer.tokenize`): the normalized text, tokens case-folded and joined
///   by single spaces.
/// - `Normalize/tokenizeAndXXH3/2KiB`: tokenize, then XXH3-64 every token: the
///   reference that `Pipeline/sketchDocument/2KiB` is held to (at least half its
///   speed).
func normalizeBenchmarks() {
  Benchmark(
    "Normalize/tokenize/2KiB", configuration: .allocationFree(scalingFactor: .kilo)
  ) { benchmark, state in
    for iteration in benchmark.scaledIterations {
      state.documents[iteration % state.documents.count].withUnsafeBufferPointer { text in
        state.normalizer.tokenize(text, into: &state.tokens)
      }
    }
    blackHole(state.tokens.byteCount)
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
      state.hashEveryToken()
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
  var tokens = TokenBuffer()

  init(documents: [[UInt8]]) {
    self.documents = documents
    for document in documents {
      document.withUnsafeBufferPointer { normalizer.tokenize($0, into: &tokens) }
      hashEveryToken()
    }
  }

  /// XXH3-64 of every token of `tokens`, into `hashes`.
  func hashEveryToken() {
    hashes.removeAll(keepingCapacity: true)
    tokens.withTokens { text, ends in
      var start = 0
      for end in ends {
        hashes.append(XXH3.hash(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(text)[start..<Int(end)])))
        start = Int(end) + 1
      }
    }
  }
}
