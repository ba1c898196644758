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
    // Each factor is checked alone first, so that the product cannot overflow.
    guard bands >= 1, rows >= 1, bands <= permutationCount, rows <= permutationCount, bands * rows <= permutationCount
    else {
      throw .bandsAndRows(bands: bands, rows: rows, permutationCount: permutationCount)
    }
    self.bands = bands
    self.rows = rows
  }

  private enum CodingKeys: String, CodingKey {
    case bands, rows
  }

  /// Decodes a banding and checks it as the initializer does, against the largest
  /// permutation count (`SketchParameters.permutationCounts`).
  /// - Throws: `DecodingError.dataCorrupted` for a banding out of range, and the
  ///   decoder's errors.
  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    let bands = try container.decode(Int.self, forKey: .bands)
    let rows = try container.decode(Int.self, forKey: .rows)
    do {
      try self.init(bands: bands, rows: rows, permutationCount: SketchParameters.permutationCounts.upperBound)
    } catch {
      throw DecodingError.dataCorrupted(
        DecodingError.Context(codingPath: decoder.codingPath, debugDescription: error.description))
    }
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

  /// The weighted error that `optimal(threshold:permutationCount:falseNegativeWeight:)`
  /// minimises: (1 − w) · false-positive area + w · false-negative area.
  /// - Complexity: O(1) (fixed-order quadrature).
  public func weightedError(threshold: Double, falseNegativeWeight: Double) -> Double {
    (1 - falseNegativeWeight) * falsePositiveArea(threshold: threshold)
      + falseNegativeWeight * falseNegativeArea(threshold: threshold)
  }

  /// The banding with b·r ≤ k that minimises the weighted false-positive and
  /// false-negative areas under the S-curve around `threshold`.
  ///
  /// For each r the miss probabilities (1 − s^r)^b of the quadrature nodes are
  /// built up by one multiplication per band, so the whole search costs
  /// O(k · nodes) powers and O(k log k · nodes) multiplications (about 1 ms at
  /// k = 128) and gives the same errors as `weightedError`.
  ///
  /// - Parameters:
  ///   - threshold: The Jaccard similarity that separates wanted from unwanted pairs.
  ///   - permutationCount: k.
  ///   - falseNegativeWeight: The weight of the false-negative area, in 0...1.
  /// - Returns: The best banding; ties go to fewer bands, then fewer rows.
  /// - Complexity: O(k log k) bandings, each evaluated in O(nodes).
  public static func optimal(
    threshold: Double, permutationCount: Int,
    falseNegativeWeight: Double = defaultFalseNegativeWeight
  ) -> LSHParameters {
    let key = OptimalKey(threshold: threshold, permutationCount: permutationCount, weight: falseNegativeWeight)
    if let known = optimalCache.withLock({ $0[key] }) { return known }
    let below = quadratureRule(from: 0, to: threshold)
    let above = quadratureRule(from: threshold, to: 1)
    // errors[r][b − 1]: the weighted error of b bands of r rows.
    var errors = [[Double]](repeating: [], count: permutationCount + 1)
    // s^r at every node, one multiplication per row (no pow).
    var belowPower = [Double](repeating: 1, count: below.nodes.count)
    var abovePower = [Double](repeating: 1, count: above.nodes.count)
    for rows in 1...permutationCount {
      for i in belowPower.indices { belowPower[i] *= below.nodes[i] }
      for i in abovePower.indices { abovePower[i] *= above.nodes[i] }
      let belowBase = belowPower.map { 1 - $0 }
      let aboveBase = abovePower.map { 1 - $0 }
      var belowMiss = [Double](repeating: 1, count: belowBase.count)
      var aboveMiss = [Double](repeating: 1, count: aboveBase.count)
      for _ in 1...(permutationCount / rows) {
        var falsePositive = 0.0
        var falseNegative = 0.0
        for i in belowMiss.indices {
          belowMiss[i] *= belowBase[i]
          falsePositive += below.weights[i] * (1 - belowMiss[i])
        }
        for i in aboveMiss.indices {
          aboveMiss[i] *= aboveBase[i]
          falseNegative += above.weights[i] * aboveMiss[i]
        }
        errors[rows].append((1 - falseNegativeWeight) * falsePositive + falseNegativeWeight * falseNegative)
      }
    }
    var best: (error: Double, bands: Int, rows: Int)?
    for bands in 1...permutationCount {
      for rows in 1...(permutationCount / bands) {
        let error = errors[rows][bands - 1]
        if best == nil || error < best!.error - 1e-12 { best = (error, bands, rows) }
      }
    }
    let parameters = try! LSHParameters(bands: best!.bands, rows: best!.rows, permutationCount: permutationCount)
    optimalCache.withLock { $0[key] = parameters }
    return parameters
  }

  private struct OptimalKey: Hashable {
    var threshold: Double
    var permutationCount: Int
    var weight: Double
  }

  /// Bandings already optimized in this process (each search takes milliseconds).
  private static let optimalCache = Mutex<[OptimalKey: LSHParameters]>([:])

  /// "b bands × r rows".
  public var description: String { "\(bands) bands × \(rows) rows" }

  /// Composite Gauss–Legendre quadrature: 5 nodes on each of 64 panels, exact to
  /// ~1e-12 for these smooth polynomials.
  private static func quadratureRule(from lower: Double, to upper: Double) -> (nodes: [Double], weights: [Double]) {
    guard upper > lower else { return ([], []) }
    let offsets = [
      0, -0.538_469_310_105_683_1, 0.538_469_310_105_683_1, -0.906_179_845_938_664_0, 0.906_179_845_938_664_0,
    ]
    let factors = [
      0.568_888_888_888_888_9, 0.478_628_670_499_366_5, 0.478_628_670_499_366_5, 0.236_926_885_056_189_1,
      0.236_926_885_056_189_1,
    ]
    let panels = 64
    let width = (upper - lower) / Double(panels)
    var nodes: [Double] = []
    var weights: [Double] = []
    for panel in 0..<panels {
      let middle = lower + (Double(panel) + 0.5) * width
      for (offset, factor) in zip(offsets, factors) {
        nodes.append(middle + offset * width / 2)
        weights.append(factor * width / 2)
      }
    }
    return (nodes, weights)
  }

  /// ∫ f over [lower, upper] by `quadratureRule`.
  private static func integrate(from lower: Double, to upper: Double, _ f: (Double) -> Double) -> Double {
    let rule = quadratureRule(from: lower, to: upper)
    return zip(rule.nodes, rule.weights).reduce(0) { $0 + $1.1 * f($1.0) }
  }
}
