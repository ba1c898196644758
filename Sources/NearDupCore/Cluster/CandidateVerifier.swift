/// How a candidate pair is checked before it becomes an edge.
public enum VerificationMethod: String, Sendable, CaseIterable, Codable {
  /// The exact similarity of the two documents' shingle sets, as 32-bit digests
  /// (one merge). No false positives, and pairs at the threshold are judged exactly
  /// (up to a 2^-32 collision of two digests).
  case exact
  /// The similarity estimated from the two signatures (O(k), no fingerprint sets
  /// kept); its standard error is sqrt(J(1−J)/k).
  case signature
}

/// Checks candidate pairs and keeps those whose similarity reaches the threshold.
///
/// Exact verification first consults the signatures: a pair whose estimated Jaccard
/// similarity lies more than `ruleOutStandardErrors` standard errors below the least
/// Jaccard similarity that a pair of its set sizes needs to reach the threshold is
/// rejected without a merge. A qualifying pair is rejected so with probability below
/// 10⁻⁶, and LSH candidates are mostly far from the threshold, so this removes most of
/// the merges.
///
/// - Complexity: O(C·k) for C candidates, plus O(s) per candidate that survives the
///   signature check with `.exact`. Candidates are split into chunks verified in
///   parallel; the edges come out in candidate order for any thread count.
package struct CandidateVerifier: Sendable {
  /// Exact or estimated.
  package let method: VerificationMethod
  /// The similarity measure.
  package let measure: SimilarityMeasure
  /// The smallest similarity that makes an edge.
  package let threshold: Double

  /// How many standard errors below the least qualifying Jaccard similarity a
  /// signature estimate must lie for exact verification to skip the pair.
  package static let ruleOutStandardErrors = 5.0
  /// How many candidates ahead verification prefetches the second document's
  /// signature and set.
  static let prefetchDistance = 4

  /// Creates a verifier.
  package init(method: VerificationMethod, measure: SimilarityMeasure, threshold: Double) {
    self.method = method
    self.measure = measure
    self.threshold = threshold
  }

  /// The least Jaccard similarity with which sets of sizes `a` and `b` can reach the
  /// threshold: the threshold itself for Jaccard; for containment with a ≤ b,
  /// t·a / (a + b − t·a), since |A ∩ B| ≥ t·a.
  /// - Complexity: O(1).
  package func leastJaccard(_ a: Int, _ b: Int) -> Double {
    switch measure {
    case .jaccard: return threshold
    case .containment:
      let small = Double(min(a, b))
      let large = Double(max(a, b))
      return threshold * small / (small + large - threshold * small)
    }
  }

  /// Whether the signature estimate `estimate` rules the pair of sets of sizes `a`
  /// and `b` out.
  @inline(__always)
  func rulesOut(estimate: Double, _ a: Int, _ b: Int, permutationCount k: Int) -> Bool {
    let least = leastJaccard(a, b)
    let standardError = (least * (1 - least) / Double(k)).squareRoot()
    return estimate < least - Self.ruleOutStandardErrors * standardError
  }

  /// The similarity of documents `a` and `b` under the measure, and their Jaccard
  /// similarity.
  /// - Complexity: O(s) exact, O(k) estimated.
  package func similarities(
    _ a: Int, _ b: Int, sets: FingerprintSets<UInt32>?, setSizes: [UInt32], signatures: UnsafeBufferPointer<UInt32>,
    permutationCount k: Int
  ) -> (similarity: Double, jaccard: Double) {
    switch method {
    case .exact:
      let setA = sets![a]
      let setB = sets![b]
      let shared = FingerprintSet.intersectionCount(setA, setB)
      return (
        measure.similarity(intersection: shared, setA.count, setB.count),
        SimilarityMeasure.jaccard.similarity(intersection: shared, setA.count, setB.count)
      )
    case .signature:
      let jaccard = Signature.estimatedJaccard(
        UnsafeBufferPointer(rebasing: signatures[a * k..<(a + 1) * k]),
        UnsafeBufferPointer(rebasing: signatures[b * k..<(b + 1) * k]))
      return (measure.similarity(fromJaccard: jaccard, Int(setSizes[a]), Int(setSizes[b])), jaccard)
    }
  }

  /// The similarity of documents `a` and `b` under the measure.
  /// - Complexity: O(s) exact, O(k) estimated.
  package func similarity(
    _ a: Int, _ b: Int, sets: FingerprintSets<UInt32>?, setSizes: [UInt32], signatures: UnsafeBufferPointer<UInt32>,
    permutationCount k: Int
  ) -> Double {
    similarities(a, b, sets: sets, setSizes: setSizes, signatures: signatures, permutationCount: k).similarity
  }

  /// The edges among `candidates` (packed `a << 32 | b`).
  ///
  /// - Parameters:
  ///   - candidates: Candidate pairs from `CandidateGenerator`.
  ///   - digests: The documents' digest sets; required for `.exact`.
  ///   - setSizes: The size of every document's fingerprint set.
  ///   - signatures: Every document's signature.
  ///   - threads: The largest number of threads to use.
  /// - Returns: The verified edges, in candidate order.
  package func verify(
    _ candidates: [UInt64], digests: DigestStore?, setSizes: [UInt32], signatures: SignatureMatrix,
    threads: Int
  ) -> [Edge] {
    precondition(method == .signature || digests != nil, "exact verification needs the digest sets")
    let chunkCount = max(1, min(candidates.count / 2048, 256))
    var chunks = [[Edge]](repeating: [], count: chunkCount)
    let k = signatures.permutationCount
    chunks.withUnsafeMutableBufferPointer { chunksBuffer in
      let output = DisjointRows(chunksBuffer)
      signatures.withRows { rows in
        withOptionalSets(digests) { sets in
          parallelForEach(chunkCount: chunkCount, threads: threads) { chunk in
            var edges: [Edge] = []
            let range = chunkRange(chunk, of: chunkCount, count: candidates.count)
            for index in range {
              // Pairs are sorted by their first document, so the second one's
              // signature and set are scattered: request those of a pair ahead.
              if index &+ Self.prefetchDistance < range.upperBound {
                let ahead = Int(candidates[index &+ Self.prefetchDistance] & 0xFFFF_FFFF)
                Prefetch.bytes(UnsafeRawPointer(rows.baseAddress!.advanced(by: ahead &* k)), count: k &* 4)
                if let sets, let set = sets[ahead].baseAddress { Prefetch.line(UnsafeRawPointer(set)) }
              }
              let pair = candidates[index]
              let a = Int(pair >> 32)
              let b = Int(pair & 0xFFFF_FFFF)
              if method == .exact {
                let estimate = Signature.estimatedJaccard(
                  UnsafeBufferPointer(rebasing: rows[a * k..<(a + 1) * k]),
                  UnsafeBufferPointer(rebasing: rows[b * k..<(b + 1) * k]))
                if rulesOut(estimate: estimate, Int(setSizes[a]), Int(setSizes[b]), permutationCount: k) { continue }
              }
              let value = similarities(a, b, sets: sets, setSizes: setSizes, signatures: rows, permutationCount: k)
              if value.similarity >= threshold {
                edges.append(Edge(a, b, similarity: value.similarity, jaccard: value.jaccard))
              }
            }
            output.base[chunk] = edges
          }
        }
      }
    }
    return chunks.flatMap { $0 }
  }
}

/// Calls `body` with the store's sets, or with nil when there is no store.
func withOptionalSets<Result>(_ store: DigestStore?, _ body: (FingerprintSets<UInt32>?) -> Result) -> Result {
  guard let store else { return body(nil) }
  return store.withSets { body($0) }
}
