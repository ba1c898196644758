import Foundation
import NearDupCore
import Testing

@Suite("LSHParameters")
struct LSHParametersTests {
  /// The weighted error of a banding by a plain Riemann sum on a fine grid: an
  /// independent check of the library's quadrature.
  func bruteForceError(bands: Int, rows: Int, threshold: Double, weight: Double) -> Double {
    let steps = 4000
    func p(_ s: Double) -> Double { 1 - pow(1 - pow(s, Double(rows)), Double(bands)) }
    var falsePositive = 0.0
    var falseNegative = 0.0
    for i in 0..<steps {
      let s = threshold * (Double(i) + 0.5) / Double(steps)
      falsePositive += p(s) * threshold / Double(steps)
      let u = threshold + (1 - threshold) * (Double(i) + 0.5) / Double(steps)
      falseNegative += (1 - p(u)) * (1 - threshold) / Double(steps)
    }
    return (1 - weight) * falsePositive + weight * falseNegative
  }

  @Test(
    "the chosen banding is the brute-force minimum of the weighted error",
    arguments: [(0.8, 128, 0.99), (0.8, 128, 0.5), (0.5, 64, 0.9), (0.36, 128, 0.99), (0.9, 32, 0.7)])
  func optimalMatchesBruteForce(case parameters: (Double, Int, Double)) throws {
    let (threshold, k, weight) = parameters
    let chosen = LSHParameters.optimal(threshold: threshold, permutationCount: k, falseNegativeWeight: weight)
    #expect(chosen.bands * chosen.rows <= k)
    var best = Double.infinity
    for bands in 1...k {
      for rows in 1...(k / bands) {
        best = min(best, bruteForceError(bands: bands, rows: rows, threshold: threshold, weight: weight))
      }
    }
    let chosenError = bruteForceError(bands: chosen.bands, rows: chosen.rows, threshold: threshold, weight: weight)
    #expect(chosenError <= best + 1e-6)
  }

  @Test("the S-curve is 1 − (1 − s^r)^b")
  func probability() throws {
    let lsh = try LSHParameters(bands: 20, rows: 5, permutationCount: 128)
    #expect(abs(lsh.probability(0.8) - (1 - pow(1 - pow(0.8, 5), 20))) < 1e-12)
    #expect(lsh.probability(0) == 0)
    #expect(lsh.probability(1) == 1)
  }

  @Test("the default banding keeps expected recall at 0.8 above 0.98")
  func defaultRecall() {
    #expect(LSHParameters.optimal(threshold: 0.8, permutationCount: 128).probability(0.8) > 0.98)
  }

  @Test("bandings that do not fit the permutations are rejected")
  func invalidBandings() {
    #expect(throws: ParameterError.bandsAndRows(bands: 20, rows: 7, permutationCount: 128)) {
      try LSHParameters(bands: 20, rows: 7, permutationCount: 128)
    }
    #expect(throws: ParameterError.self) { try LSHParameters(bands: 0, rows: 7, permutationCount: 128) }
    // Factors whose product overflows (a crafted index header; found by fuzzing).
    #expect(throws: ParameterError.bandsAndRows(bands: 1 << 32, rows: 1 << 32, permutationCount: 128)) {
      try LSHParameters(bands: 1 << 32, rows: 1 << 32, permutationCount: 128)
    }
  }
}
