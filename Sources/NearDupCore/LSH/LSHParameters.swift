import Foundation
import Synchronization

/// The banding of a signature for locality-sensitive hashing: b bands of r rows.
///
/// Two documents become a candidate pair when all r slots of at least one band agree.
/// With Jaccard similarity s that happens with probability
///
///     P(s) = 1 − (1 − s^r)^b,
///
/// an S-curve that rises steeply around s ≈ (1/b)^(1/r) (Leskovec, Rajaraman & Ullman,
/// *Mining of Massive Datasets*, ch. 3.4).
///
/// - Invariant: `bands >= 1`, `rows >= 1`, `bands * rows <= permutationCount`.
public struct LSHParameters: Hashable, Sendable, Codable, CustomStringConvertible {
  /// b, the number of bands.
  public let bands: Int
  /// r, the slots per band.
  public let rows: Int

  /// The weight of missed pairs (false-negative area) in `optimal`, against
  /// 1 − weight for the false-positive area. Candidates are verified before they
  /// become edges, so a false positive costs only a verification while a false
  /// negative is a lost pair: measured on the shared news corpora, 0.99 keeps pair
  /// recall above 0.99 at a candidate count that verification handles easily.
  public static let defaultFalseNegativeWeight = 0.99

  /// Creates a banding, checking it against the permutation count.
  /// - Throws: `ParameterError.bandsAndRows` when `bands * rows > permutationCount`
  ///   or either is below 1.
  public init(bands: Int, rows: Int, permutationCount: Int) throws(ParameterError) {
    guard bands >= 1, rows >= 1, bands * rows <= permutationCount else {
      throw .bandsAndRows(bands: bands, rows: rows, permutationCount: permutationCount)
    }
    self.bands = bands
    self.rows = rows
  }

  /// The probability that documents of Jaccard similarity `similarity` become a
  /// candidate pair: 1 − (1 − s^r)^b.
  /// - Complexity: O(1).
  public func probability(_ similarity: Double) -> Double {
    1 - pow(1 - pow(similarity, Double(rows)), Double(bands))
  }

  /// ∫₀ᵗ P(s) ds: the area of pairs below the threshold that still become candidates.
  /// - Complexity: O(1) (fixed-order quadrature).
  public func falsePositiveArea(threshold: Double) -> Double {
    Self.integrate(from: 0, to: threshold) { probability($0) }
  }

  /// ∫ₜ¹ (1 − P(s)) ds: the area of pairs above the threshold that are missed.
  /// - Complexity: O(1) (fixed-order quadrature).
  public func falseNegativeArea(threshold: Double) -> Double {
    Self.integrate(from: threshold, to: 1) { 1 - probability($0) }
  }

  /// The weighted error that `optimal` minimises.
  public func weightedError(threshold: Double, falseNegativeWeight: Double) -> Double {
    (1 - falseNegativeWeight) * falsePositiveArea(threshold: threshold)
      + falseNegativeWeight * falseNegativeArea(threshold: threshold)
  }

  /// The banding with b·r ≤ k that minimises the weighted false-positive and
  /// false-negative areas under the S-curve around `threshold`.
  ///
  /// - Parameters:
  ///   - threshold: The Jaccard similarity that separates wanted from unwanted pairs.
  ///   - permutationCount: k.
  ///   - falseNegativeWeight: The weight of the false-negative area, in 0...1.
  /// - Returns: The best banding; ties go to fewer slots used.
  /// - Complexity: O(k log k) bandings, each integrated in O(1).
  public static func optimal(
    threshold: Double, permutationCount: Int,
    falseNegativeWeight: Double = defaultFalseNegativeWeight
  ) -> LSHParameters {
    let key = OptimalKey(threshold: threshold, permutationCount: permutationCount, weight: falseNegativeWeight)
    if let known = optimalCache.withLock({ $0[key] }) { return known }
    var best: (error: Double, parameters: LSHParameters)?
    for bands in 1...permutationCount {
      for rows in 1...(permutationCount / bands) {
        let candidate = try! LSHParameters(bands: bands, rows: rows, permutationCount: permutationCount)
        let error = candidate.weightedError(threshold: threshold, falseNegativeWeight: falseNegativeWeight)
        if best == nil || error < best!.error - 1e-12 { best = (error, candidate) }
      }
    }
    optimalCache.withLock { $0[key] = best!.parameters }
    return best!.parameters
  }

  private struct OptimalKey: Hashable {
    var threshold: Double
    var permutationCount: Int
    var weight: Double
  }

  /// Bandings already optimized in this process (each search takes milliseconds).
  private static let optimalCache = Mutex<[OptimalKey: LSHParameters]>([:])

  public var description: String { "\(bands) bands × \(rows) rows" }

  /// Composite Gauss–Legendre quadrature (5 nodes on each of 64 panels); exact to
  /// ~1e-12 for these smooth polynomials.
  private static func integrate(from lower: Double, to upper: Double, _ f: (Double) -> Double) -> Double {
    guard upper > lower else { return 0 }
    let nodes = [0, -0.538_469_310_105_683_1, 0.538_469_310_105_683_1, -0.906_179_845_938_664_0, 0.906_179_845_938_664_0]
    let weights = [0.568_888_888_888_888_9, 0.478_628_670_499_366_5, 0.478_628_670_499_366_5, 0.236_926_885_056_189_1, 0.236_926_885_056_189_1]
    let panels = 64
    let width = (upper - lower) / Double(panels)
    var total = 0.0
    for panel in 0..<panels {
      let middle = lower + (Double(panel) + 0.5) * width
      for (node, weight) in zip(nodes, weights) { total += weight * f(middle + node * width / 2) }
    }
    return total * width / 2
  }
}
