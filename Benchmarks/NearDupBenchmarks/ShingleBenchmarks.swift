import Benchmark
import NearDupCore

/// Shingle: fingerprints of the word and character 5-grams of 2 KiB documents.
///
/// - `Shingle/wordFingerprints/n=5`: XXH3-64 over each window of five token hashes
///   (`Shingler.wordFingerprints`), from the token hashes of a 2 KiB document.
/// - `Shingle/characterFingerprints/n=5`: XXH3-64 of every run of five characters of
///   the tokens joined by spaces (`--shingle char`), from a tokenized 2 KiB document.
func shingleBenchmarks() {
  Benchmark(
    "Shingle/wordFingerprints/n=5", configuration: .allocationFree(scalingFactor: .kilo)
  ) { benchmark, state in
    for iteration in benchmark.scaledIterations {
      state.shingler.wordFingerprints(
        ofTokenHashes: state.tokenHashes[iteration % state.tokenHashes.count], into: &state.fingerprints)
    }
    blackHole(state.fingerprints.count)
  } setup: {
    ShingleState(documents: Inputs.documents(byteCount: 2048), kind: .word)
  }

  Benchmark(
    "Shingle/characterFingerprints/n=5", configuration: .allocationFree(scalingFactor: .kilo)
  ) { benchmark, state in
    for iteration in benchmark.scaledIterations {
      state.shingler.characterFingerprints(
        of: state.tokens[iteration % state.tokens.count], into: &state.fingerprints, scratch: &state.scratch)
    }
    blackHole(state.fingerprints.count)
  } setup: {
    ShingleState(documents: Inputs.documents(byteCount: 2048), kind: .character)
  }
}

/// Inputs (token hashes and tokens of each document) and the reusable output of
/// the Shingle benchmarks, grown in setup.
final class ShingleState {
  let shingler: Shingler
  let tokenHashes: [[UInt64]]
  let tokens: [TokenBuffer]
  var fingerprints: [UInt64] = []
  var scratch = ShinglerScratch()

  init(documents: [[UInt8]], kind: ShingleKind) {
    shingler = Shingler(kind: kind, size: 5)
    tokenHashes = Inputs.tokenHashes(of: documents)
    tokens = documents.map { document in
      var tokens = TokenBuffer()
      document.withUnsafeBufferPointer { TextNormalizer().tokenize($0, into: &tokens) }
      return tokens
    }
    for (hashes, tokens) in zip(tokenHashes, tokens) {
      switch kind {
      case .word: shingler.wordFingerprints(ofTokenHashes: hashes, into: &fingerprints)
      case .character: shingler.characterFingerprints(of: tokens, into: &fingerprints, scratch: &scratch)
      }
    }
  }
}
