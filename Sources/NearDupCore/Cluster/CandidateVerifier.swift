/// How a candidate pair is checked before it becomes an edge.
public enum VerificationMethod: String, Sendable, CaseIterable, Codable {
  /// The exact similarity of the two fingerprint sets (one merge). No false
  /// positives, and pairs at the threshold are judged exactly.
  case exact
  /// The similarity estimated from the two signatures (O(k), no fingerprint sets
  /// kept); its standard error is sqrt(J(1−J)/k).
  case signature
}

/// Checks candidate pairs and keeps those whose similarity reaches the threshold.
///
/// - Complexity: O(C·s) for C candidates and fingerprint sets of s elements with
///   `.exact`; O(C·k) with `.signature`. Candidates are split into chunks verified in
///   parallel; the edges come out in candidate order for any thread count.
public struct CandidateVerifier: Sendable {
  /// Exact or estimated.
  public let method: VerificationMethod
  /// The similarity measure.
  public let measure: SimilarityMeasure
  /// The smallest similarity that makes an edge.
  public let threshold: Double

  /// Creates a verifier.
  public init(method: VerificationMethod, measure: SimilarityMeasure, threshold: Double) {
    self.method = method
    self.measure = measure
    self.threshold = threshold
  }

  /// The similarity of documents `a` and `b`.
  /// - Complexity: O(s) exact, O(k) estimated.
  public func similarity(
    _ a: Int, _ b: Int, sets: FingerprintSets?, setSizes: [UInt32], signatures: UnsafeBufferPointer<UInt32>,
    permutationCount k: Int
  ) -> Double {
    switch method {
    case .exact:
      return FingerprintSet.similarity(sets![a], sets![b], measure: measure)
    case .signature:
      let jaccard = Signature.estimatedJaccard(
        UnsafeBufferPointer(rebasing: signatures[a * k..<(a + 1) * k]),
        UnsafeBufferPointer(rebasing: signatures[b * k..<(b + 1) * k]))
      return measure.similarity(fromJaccard: jaccard, Int(setSizes[a]), Int(setSizes[b]))
    }
  }

  /// The edges among `candidates` (packed `a << 32 | b`).
  ///
  /// - Parameters:
  ///   - candidates: Candidate pairs from `CandidateGenerator`.
  ///   - fingerprints: The documents' fingerprint sets; required for `.exact`.
  ///   - setSizes: The size of every document's fingerprint set.
  ///   - signatures: Every document's signature.
  ///   - threads: The largest number of threads to use.
  /// - Returns: The verified edges, in candidate order.
  public func verify(
    _ candidates: [UInt64], fingerprints: FingerprintStore?, setSizes: [UInt32], signatures: SignatureMatrix,
    threads: Int
  ) -> [Edge] {
    precondition(method == .signature || fingerprints != nil, "exact verification needs the fingerprint sets")
    let chunkCount = max(1, min(candidates.count / 2048, 256))
    var chunks = [[Edge]](repeating: [], count: chunkCount)
    let k = signatures.permutationCount
    chunks.withUnsafeMutableBufferPointer { chunksBuffer in
      let output = DisjointRows(chunksBuffer)
      signatures.withRows { rows in
        withOptionalSets(fingerprints) { sets in
          parallelForEach(chunkCount: chunkCount, threads: threads) { chunk in
            var edges: [Edge] = []
            for index in chunkRange(chunk, of: chunkCount, count: candidates.count) {
              let pair = candidates[index]
              let a = Int(pair >> 32)
              let b = Int(pair & 0xFFFF_FFFF)
              let value = similarity(a, b, sets: sets, setSizes: setSizes, signatures: rows, permutationCount: k)
              if value >= threshold { edges.append(Edge(a, b, similarity: value)) }
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
func withOptionalSets<Result>(_ store: FingerprintStore?, _ body: (FingerprintSets?) -> Result) -> Result {
  guard let store else { return body(nil) }
  return store.withSets { body($0) }
}
