/// The evaluation of one clustering run: its pairs against the exact all-pairs
/// ground truth on the same shingles, its clusters against labels, and their health.
///
/// Documents with identical normalized text count as one pair each (all pairs of a
/// group of m copies: m(m−1)/2) on both sides, computed by multiplicity rather than
/// listed, so that a page copied 10,000 times does not make 50 million pairs.
package struct Evaluation: Sendable {
  /// Pairs with Jaccard ≥ t: the pipeline's verified pairs whose Jaccard reaches t,
  /// against every pair whose exact Jaccard does.
  package var jaccardPairs: PairMetrics
  /// With the containment measure: the verified pairs against every pair whose exact
  /// containment reaches t.
  package var containmentPairs: PairMetrics?
  /// Agreement of the clusters with the labels (when the corpus has labels).
  package var labels: ClusterMetrics?
  /// Agreement with the labels of the connected components of the exact Jaccard ≥ t
  /// pairs: "exact Jaccard alone".
  package var exactJaccardLabels: ClusterMetrics?
  /// Members whose similarity to their representative is below the threshold.
  package var membersBelowThreshold: Int
  /// Members whose similarity to their representative is below half the threshold.
  package var membersBelowHalfThreshold: Int
  /// The lowest similarity of a member to its representative (1 without clusters).
  package var lowestMemberSimilarity: Double
  /// Seconds spent computing the ground truth.
  package var groundTruthSeconds: Double

  /// Evaluates `result`.
  /// - Precondition: `result` kept its digest sets (exact verification, or
  ///   `ClusterConfiguration.keepsDigestSets`).
  /// - Complexity: that of `ExactSimilarityJoin` on the distinct texts, plus O(N + E).
  package init(_ result: ClusterResult, threads: Int) {
    precondition(result.digests != nil, "evaluation needs the run's digest sets")
    let clock = Stopwatch()
    let threshold = result.configuration.threshold
    let canonical = result.canonicalDocuments
    let count = canonical.count
    // Multiplicity of each distinct text.
    var copies = [Int](repeating: 0, count: count)
    for document in 0..<count where canonical[document] != UInt32.max { copies[Int(canonical[document])] += 1 }
    let distinct = (0..<count).filter { canonical[$0] != UInt32.max && Int(canonical[$0]) == $0 }
    var identicalPairs = 0
    for document in distinct { identicalPairs += copies[document] * (copies[document] - 1) / 2 }

    func key(_ a: UInt32, _ b: UInt32) -> UInt64 { UInt64(min(a, b)) << 32 | UInt64(max(a, b)) }
    func weight(_ pair: UInt64) -> Int { copies[Int(pair >> 32)] * copies[Int(pair & 0xFFFF_FFFF)] }
    func metrics(truth: [Edge], predicted: Set<UInt64>) -> PairMetrics {
      var truthCount = identicalPairs
      var hits = identicalPairs
      for edge in truth {
        let pair = key(edge.a, edge.b)
        truthCount += weight(pair)
        if predicted.contains(pair) { hits += weight(pair) }
      }
      let predictedCount = identicalPairs + predicted.reduce(0) { $0 + weight($1) }
      return PairMetrics(truth: truthCount, predicted: predictedCount, truePositives: hits)
    }
    // The pipeline's verified pairs between distinct texts (not the identical-copy lines).
    let verified = result.edges.filter { canonical[Int($0.a)] == $0.a && canonical[Int($0.b)] == $0.b }
    let jaccardTruth = ExactSimilarityJoin(measure: .jaccard, threshold: threshold).pairs(
      in: result.digests!, among: distinct, threads: threads)
    jaccardPairs = metrics(
      truth: jaccardTruth, predicted: Set(verified.filter { $0.jaccard >= threshold }.map { key($0.a, $0.b) }))
    if result.configuration.measure == .containment {
      let containmentTruth = ExactSimilarityJoin(measure: .containment, threshold: threshold).pairs(
        in: result.digests!, among: distinct, threads: threads)
      containmentPairs = metrics(truth: containmentTruth, predicted: Set(verified.map { key($0.a, $0.b) }))
    }
    groundTruthSeconds = clock.elapsed

    // Clusters against labels, and exact Jaccard components against labels.
    let labels = result.documents.labels
    if labels.count == count && labels.contains(where: { !$0.isEmpty }) {
      // Unlabelled documents are groups of their own.
      var numbers: [String: Int] = [:]
      let labelGroups = labels.enumerated().map { index, label -> Int in
        if label.isEmpty { return count + index }
        if let number = numbers[label] { return number }
        numbers[label] = numbers.count
        return numbers.count - 1
      }
      var predicted = Array(0..<count).map { count + $0 }
      for (number, cluster) in result.clusters.enumerated() {
        for member in cluster.members { predicted[member.document] = number }
      }
      self.labels = ClusterMetrics(predicted: predicted, truth: labelGroups)
      var components = UnionFind(count: count)
      for document in 0..<count where canonical[document] != UInt32.max {
        components.union(document, Int(canonical[document]))
      }
      for edge in jaccardTruth { components.union(Int(edge.a), Int(edge.b)) }
      exactJaccardLabels = ClusterMetrics(
        predicted: (0..<count).map { components.find($0) }, truth: labelGroups)
    }

    // Cluster health.
    var below = 0
    var belowHalf = 0
    var lowest = 1.0
    for cluster in result.clusters {
      for member in cluster.members.dropFirst() {
        lowest = min(lowest, member.similarity)
        if member.similarity < threshold { below += 1 }
        if member.similarity < threshold / 2 { belowHalf += 1 }
      }
    }
    membersBelowThreshold = below
    membersBelowHalfThreshold = belowHalf
    lowestMemberSimilarity = lowest
  }
}
