/// Agreement between a predicted partition of documents and the true one (labels):
/// the adjusted Rand index (Hubert & Arabie 1985), B³ precision, recall and F1
/// (Bagga & Baldwin 1998), and pairwise precision and recall.
///
/// Both partitions are given as one group number per document; documents without a
/// label should be given groups of their own.
///
/// - Complexity: O(N) with hash maps over the contingency table.
package struct ClusterMetrics: Sendable, Equatable {
  /// Adjusted Rand index: 1 for identical partitions, about 0 for chance.
  package var adjustedRandIndex: Double
  /// B³ precision: the mean over documents of the share of its cluster that shares
  /// its label.
  package var bcubedPrecision: Double
  /// B³ recall: the mean over documents of the share of its label's documents in its
  /// cluster.
  package var bcubedRecall: Double
  /// Pairwise precision: of the pairs placed in one cluster, the share with one label.
  package var pairPrecision: Double
  /// Pairwise recall: of the pairs with one label, the share placed in one cluster.
  package var pairRecall: Double

  /// The harmonic mean of B³ precision and recall.
  package var bcubedF1: Double { Self.harmonicMean(bcubedPrecision, bcubedRecall) }

  static func harmonicMean(_ a: Double, _ b: Double) -> Double { a + b > 0 ? 2 * a * b / (a + b) : 0 }

  /// Compares `predicted` with `truth`.
  /// - Precondition: both have one entry per document, and there is at least one.
  package init(predicted: [Int], truth: [Int]) {
    precondition(predicted.count == truth.count && !predicted.isEmpty, "partitions must cover the same documents")
    let n = Double(predicted.count)
    var cell: [UInt64: Int] = [:]
    var predictedSizes: [Int: Int] = [:]
    var truthSizes: [Int: Int] = [:]
    for (p, t) in zip(predicted, truth) {
      cell[UInt64(UInt32(truncatingIfNeeded: p)) << 32 | UInt64(UInt32(truncatingIfNeeded: t)), default: 0] += 1
      predictedSizes[p, default: 0] += 1
      truthSizes[t, default: 0] += 1
    }
    func pairs(_ x: Int) -> Double { Double(x) * Double(x - 1) / 2 }
    var together = 0.0
    var precisionSum = 0.0
    var recallSum = 0.0
    for (key, count) in cell {
      let p = Int(Int32(truncatingIfNeeded: UInt32(key >> 32)))
      let t = Int(Int32(truncatingIfNeeded: UInt32(key & 0xFFFF_FFFF)))
      together += pairs(count)
      precisionSum += Double(count * count) / Double(predictedSizes[p]!)
      recallSum += Double(count * count) / Double(truthSizes[t]!)
    }
    let predictedPairs = predictedSizes.values.reduce(0.0) { $0 + pairs($1) }
    let truthPairs = truthSizes.values.reduce(0.0) { $0 + pairs($1) }
    let expected = pairs(predicted.count) > 0 ? predictedPairs * truthPairs / pairs(predicted.count) : 0
    let maximum = (predictedPairs + truthPairs) / 2
    adjustedRandIndex = maximum - expected != 0 ? (together - expected) / (maximum - expected) : 1
    bcubedPrecision = precisionSum / n
    bcubedRecall = recallSum / n
    pairPrecision = predictedPairs > 0 ? together / predictedPairs : 1
    pairRecall = truthPairs > 0 ? together / truthPairs : 1
  }
}

/// Precision, recall and F1 of a set of predicted pairs against the true pairs.
package struct PairMetrics: Sendable, Equatable {
  /// True pairs.
  package var truth: Int
  /// Predicted pairs.
  package var predicted: Int
  /// Pairs in both.
  package var truePositives: Int

  /// Creates the counts.
  package init(truth: Int, predicted: Int, truePositives: Int) {
    self.truth = truth
    self.predicted = predicted
    self.truePositives = truePositives
  }

  /// Of the predicted pairs, the share that is true (1 when none is predicted).
  package var precision: Double { predicted > 0 ? Double(truePositives) / Double(predicted) : 1 }
  /// Of the true pairs, the share predicted (1 when there is none).
  package var recall: Double { truth > 0 ? Double(truePositives) / Double(truth) : 1 }
  /// Their harmonic mean.
  package var f1: Double { ClusterMetrics.harmonicMean(precision, recall) }
}
