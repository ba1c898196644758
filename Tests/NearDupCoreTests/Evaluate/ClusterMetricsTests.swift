import NearDupCore
import Testing

@Suite("ClusterMetrics")
struct ClusterMetricsTests {
  @Test("ARI, B³ and pairwise scores match a hand-computed example")
  func handComputed() {
    // Clusters {0,1} {2,3} {4}; labels {0,1,2} {3,4}.
    let metrics = ClusterMetrics(predicted: [0, 0, 1, 1, 2], truth: [7, 7, 7, 9, 9])
    // Pairs together in both: 1; in clusters: 2; in labels: 4; in all: 10.
    // ARI = (1 − 2·4/10) / ((2 + 4)/2 − 2·4/10) = 0.2 / 2.2.
    #expect(abs(metrics.adjustedRandIndex - 0.2 / 2.2) < 1e-12)
    // B³ precision: (1 + 1 + 1/2 + 1/2 + 1) / 5; recall: (2/3 + 2/3 + 1/3 + 1/2 + 1/2) / 5.
    #expect(abs(metrics.bcubedPrecision - 0.8) < 1e-12)
    #expect(abs(metrics.bcubedRecall - (2.0 / 3 + 2.0 / 3 + 1.0 / 3 + 0.5 + 0.5) / 5) < 1e-12)
    #expect(abs(metrics.bcubedF1 - 2 * 0.8 * 0.533_333_333_333 / (0.8 + 0.533_333_333_333)) < 1e-9)
    #expect(metrics.pairPrecision == 0.5)
    #expect(metrics.pairRecall == 0.25)
  }

  @Test("identical partitions score 1, whatever the group numbers")
  func identical() {
    let metrics = ClusterMetrics(predicted: [5, 5, 6, 7, 7, 7], truth: [0, 0, 1, 2, 2, 2])
    #expect(metrics.adjustedRandIndex == 1)
    #expect(metrics.bcubedF1 == 1)
    #expect(metrics.pairPrecision == 1 && metrics.pairRecall == 1)
  }

  @Test("pair metrics count precision, recall and F1")
  func pairs() {
    let metrics = PairMetrics(truth: 10, predicted: 8, truePositives: 6)
    #expect(metrics.precision == 0.75)
    #expect(metrics.recall == 0.6)
    #expect(abs(metrics.f1 - 2 * 0.75 * 0.6 / 1.35) < 1e-12)
    #expect(PairMetrics(truth: 0, predicted: 0, truePositives: 0).f1 == 1)
  }
}
