import Benchmark
import NearDupCore

/// Shingle: fingerprints of the word and character 5-grams of 2 KiB documents.
///
/// - `Shingle/wordFingerprints/n=5`: XXH3-64 of the text of every run of five tokens
///   (`Shingler.wordFingerprints`), from a tokenized 2 KiB document.
/// - `Shingle/characterFingerprints/n=5`: XXH3-64 of every run of five characters of
///   the normalized text (`--shingle char`), from a tokenized 2 KiB document.
func shingleBenchmarks() {
  Benchmark(
    "Shingle/wordFingerprints/n=5", configuration: .allocationFree(scalingFactor: .kilo)
  ) { benchmark, state in
    for iteration in benchmark.scaledIterations {
      state.shingler.wordFingerprints(of: state.tokens[iteration % state.tokens.count], into: &state.fingerprints)
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

/// Inputs (the tokens of each document) and the reusable output of the Shingle
/// benchmarks, grown in setup.
final class ShingleState {
  let shingler: Shingler
  let tokens: [TokenBuffer]
  var fingerprints: [UInt64] = []
  var scratch = ShinglerScratch()

  init(documents: [[UInt8]], kind: ShingleKind) {
    shingler = Shingler(kind: kind, size: 5)
    tokens = Inputs.tokens(of: documents)
    for tokens in tokens {
      switch kind {
      case .word: shingler.wordFingerprints(of: tokens, into: &fingerprints)
      case .character: shingler.characterFingerprints(of: tokens, into: &fingerprints, scratch: &scratch)
      }
    }
  }
}
