import Foundation
@testable import NearDupCore
import Testing

@Suite("MinHasher")
struct MinHasherTests {
  @Test("signature ignores shingle order and duplicates", arguments: SketchScheme.allCases, [1, 7, 17, 63, 129])
  func orderInvariance(scheme: SketchScheme, permutationCount: Int) throws {
    let hasher = MinHasher(try SketchParameters(permutationCount: permutationCount, seed: 42, scheme: scheme))
    let fingerprints: [UInt64] = [11, 7_000_000_001, 42, 0xFFFF_FFFF_FFFF_FFFF]
    #expect(hasher.signature(of: fingerprints) == hasher.signature(of: fingerprints.reversed() + [42, 11]))
    #expect(hasher.signature(of: fingerprints).values.count == permutationCount)
  }

  @Test("k permutations: each slot is the minimum of (a·f + b) >> 32 over the fingerprints")
  func slotDefinition() throws {
    let parameters = try SketchParameters(permutationCount: 9, seed: 3, scheme: .minhash)
    var random = SplitMix64(seed: 3)
    let draws = (0..<9).map { _ in (random.next() | 1, random.next()) }
    let fingerprints: [UInt64] = (0..<50).map { UInt64($0) &* 0x9E37_79B9_7F4A_7C15 }
    let expected = draws.map { a, b in fingerprints.map { UInt32(truncatingIfNeeded: (a &* $0 &+ b) >> 32) }.min()! }
    #expect(MinHasher(parameters).signature(of: fingerprints).values == expected)
  }

  @Test("one permutation: a full bin's slot is the least low half of a·f + b among the fingerprints in it")
  func onePermutationDefinition() throws {
    let k = 16
    let parameters = try SketchParameters(permutationCount: k, seed: 5, scheme: .oph)
    var random = SplitMix64(seed: 5)
    let a = random.next() | 1
    let b = random.next()
    var generator = SplitMix64(seed: 77)
    let fingerprints = (0..<2000).map { _ in generator.next() }
    var expected = [UInt32](repeating: UInt32.max, count: k)
    for f in fingerprints {
      let h = a &* f &+ b
      let bin = Int(((h >> 32) &* UInt64(k)) >> 32)
      expected[bin] = min(expected[bin], UInt32(truncatingIfNeeded: h))
    }
    #expect(MinHasher(parameters).signature(of: fingerprints).values == expected)
  }

  @Test("one permutation: empty bins borrow the slot of an occupied bin, the same way for every document")
  func densification() throws {
    let hasher = MinHasher(try SketchParameters(permutationCount: 64, seed: 9, scheme: .oph))
    let few: [UInt64] = [0x1234_5678_9ABC_DEF0, 0x0FED_CBA9_8765_4321, 42]
    let signature = hasher.signature(of: few).values
    #expect(Set(signature).count <= 3)
    #expect(signature.allSatisfy { $0 != UInt32.max })
    // One shared fingerprint out of one: identical signatures.
    #expect(hasher.signature(of: [7]).values == hasher.signature(of: [7, 7]).values)
    #expect(Set(hasher.signature(of: [7]).values).count == 1)
  }

  @Test(
    "one permutation: an empty bin takes the slot of the first occupied bin of its probe sequence",
    arguments: [(64, 3), (100, 20), (128, 1), (128, 90), (200, 7)])
  func densificationDefinition(k: Int, fingerprintCount: Int) throws {
    // The definition, written out: SplitMix64 draws a_i, b_i for every slot, then the
    // probe seed; probe p(bin, attempt) is the SplitMix64 output function of
    // seed ^ (bin << 32) ^ attempt, scaled to a bin.
    let parameters = try SketchParameters(permutationCount: k, seed: 13, scheme: .oph)
    var random = SplitMix64(seed: 13)
    let a = random.next() | 1
    let b = random.next()
    for _ in 1..<k { _ = (random.next(), random.next()) }
    let probeSeed = random.next()
    func mix(_ value: UInt64) -> UInt64 {
      var z = value &+ 0x9E37_79B9_7F4A_7C15
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
    var generator = SplitMix64(seed: UInt64(k * 1000 + fingerprintCount))
    let fingerprints = (0..<fingerprintCount).map { _ in generator.next() }
    var bins = [UInt32?](repeating: nil, count: k)
    for f in fingerprints {
      let h = a &* f &+ b
      let bin = Int(((h >> 32) &* UInt64(k)) >> 32)
      bins[bin] = min(bins[bin] ?? UInt32.max, UInt32(truncatingIfNeeded: h))
    }
    let expected = (0..<k).map { bin -> UInt32 in
      if let value = bins[bin] { return value }
      var attempt: UInt64 = 1
      while true {
        let probe = mix(probeSeed ^ (UInt64(bin) << 32) ^ attempt)
        if let value = bins[Int(((probe >> 32) &* UInt64(k)) >> 32)] { return value }
        attempt += 1
      }
    }
    #expect(MinHasher(parameters).signature(of: fingerprints).values == expected)
  }

  @Test(
    "k permutations: the AVX-512 kernel gives the scalar loop's signature, bit for bit",
    .enabled(if: MinHasher.permutationKernelAvailable, "this processor or build has no AVX-512 DQ kernel"),
    arguments: [1, 7, 8, 9, 31, 32, 33, 100, 128, 129, 256])
  func permutationKernel(k: Int) throws {
    var kernel = MinHasher(try SketchParameters(permutationCount: k, seed: UInt64(k), scheme: .minhash))
    var scalar = kernel
    kernel.usesPermutationKernel = true
    scalar.usesPermutationKernel = false
    var generator = SplitMix64(seed: UInt64(1000 + k))
    for count in [0, 1, 2, 3, 17, 400, 1_000] {
      // Random fingerprints, and ones whose hashes crowd the extremes of the 64 bits.
      let fingerprints = (0..<count).map { index in index % 5 == 0 ? UInt64(index) : generator.next() }
      #expect(kernel.signature(of: fingerprints) == scalar.signature(of: fingerprints), "k \(k), \(count) fingerprints")
    }
  }

  @Test("an empty document has every slot at UInt32.max", arguments: SketchScheme.allCases)
  func emptyDocument(scheme: SketchScheme) throws {
    #expect(MinHasher(try SketchParameters(scheme: scheme)).signature(of: []).values.allSatisfy { $0 == UInt32.max })
  }

  @Test("the seed decides the signature", arguments: SketchScheme.allCases)
  func seeds(scheme: SketchScheme) throws {
    let fingerprints = Shingler(kind: .word, size: 5).fingerprintSet(
      of: "the quick brown fox jumps over the lazy dog again and again")
    let one = MinHasher(try SketchParameters(seed: 1, scheme: scheme)).signature(of: fingerprints)
    #expect(one == MinHasher(try SketchParameters(seed: 1, scheme: scheme)).signature(of: fingerprints))
    #expect(one != MinHasher(try SketchParameters(seed: 2, scheme: scheme)).signature(of: fingerprints))
  }

  @Test(
    "estimates lie within 3 standard errors of the exact Jaccard over 32 seeds",
    arguments: SketchScheme.allCases, [0.1, 0.3, 0.5, 0.7, 0.8, 0.9, 0.97])
  func estimateAccuracy(scheme: SketchScheme, jaccard: Double) throws {
    let k = 128
    // |A| = |B| = n with s shared: J = s / (2n − s), so s = 2nJ / (1 + J).
    let n = 400
    let shared = Int((2 * Double(n) * jaccard / (1 + jaccard)).rounded())
    var outside = 0
    var total = 0.0
    var exactSum = 0.0
    for seed in 0..<32 {
      var random = SplitMix64(seed: UInt64(1000 + seed))
      let (a, b) = Harness.overlappingSets(size: n, shared: shared, random: &random)
      let exact = FingerprintSet.similarity(a, b, measure: .jaccard)
      let hasher = MinHasher(try SketchParameters(permutationCount: k, seed: UInt64(seed), scheme: scheme))
      let estimate = hasher.signature(of: a).estimatedJaccard(with: hasher.signature(of: b))
      let standardError = (exact * (1 - exact) / Double(k)).squareRoot()
      if abs(estimate - exact) > 3 * standardError { outside += 1 }
      total += estimate
      exactSum += exact
    }
    // Each estimate falls outside 3 SE with probability ≈ 0.3%; allow one in 32.
    #expect(outside <= 1)
    // The mean of 32 estimates is unbiased: within 3 SE / sqrt(32) of the exact mean.
    let meanExact = exactSum / 32
    let meanStandardError = (meanExact * (1 - meanExact) / Double(k) / 32).squareRoot()
    #expect(abs(total / 32 - meanExact) <= 3 * meanStandardError)
  }

  @Test func mismatchedSignaturesTrap() async {
    await #expect(processExitsWith: .failure) {
      _ = Signature(values: [1, 2, 3, 4]).estimatedJaccard(with: Signature(values: [1, 2]))
    }
  }
}
