import Foundation

/// Everything that shapes a clustering run.
///
/// - Invariant: `0 < threshold <= 1`, `threadCounts.contains(threads)`; `lsh` (when set) fits
///   `sketch.permutationCount`.
public struct ClusterConfiguration: Sendable, Equatable {
  /// Shingling and MinHash parameters.
  public var sketch: SketchParameters
  /// The smallest similarity at which two documents are near-duplicates.
  public var threshold: Double
  /// Jaccard or containment.
  public var measure: SimilarityMeasure
  /// An explicit banding; nil picks `LSHParameters.optimal` for `candidateThreshold`.
  public var lsh: LSHParameters?
  /// Exact or estimated verification of candidates.
  public var verification: VerificationMethod
  /// Which member represents a cluster.
  public var keep: KeepPolicy
  /// How edges join documents into clusters.
  public var linkage: Linkage
  /// Shingles found in at least this share of the sampled documents are boilerplate
  /// and dropped (nil: no boilerplate filter).
  public var boilerplateShare: Double?
  /// Documents sampled to learn the boilerplate shingles.
  public var boilerplateSample = 20_000
  /// Whether every document's digest set is kept even with signature verification,
  /// so that the run can be evaluated against exact similarities (`neardup eval`).
  public var keepsDigestSets = false
  /// Whether each document's preview (the start of its title or text) is kept for
  /// reports; without it every preview is empty, which saves a string per document.
  public var keepsPreviews = true
  /// The largest number of threads.
  public var threads: Int
  /// Documents per batch read and sketched together.
  public var batchSize: Int

  /// The default linkage: measured on the evaluation corpora (docs/Accuracy.md),
  /// center linkage matches components in B³ F1 and removes chaining.
  public static let defaultLinkage = Linkage.center
  /// The default boilerplate share: shingles in 0.5% of the sampled documents. It
  /// barely changes B³ F1 on the evaluation corpora and cuts candidate pairs up to
  /// tenfold (docs/Accuracy.md).
  public static let defaultBoilerplateShare: Double? = 0.005

  /// For `.containment`: the largest ratio |B| / |A| of shingle-set sizes (B the
  /// larger document) for which candidates are found with the banding's designed
  /// recall. A story inside a page with a boilerplate tail as long as itself is at
  /// ratio 2.
  public static let containmentSizeRatio = 2.0

  /// Creates a configuration; every argument has NearDup's default.
  /// - Throws: `ParameterError` for a threshold outside (0, 1], fewer than one
  ///   thread, or a banding that does not fit the permutations.
  /// The thread counts accepted: far more than any machine's cores, few enough that
  /// per-thread state stays small.
  public static let threadCounts = 1...1024

  public init(
    sketch: SketchParameters = .default, threshold: Double = 0.8, measure: SimilarityMeasure = .containment,
    lsh: LSHParameters? = nil, verification: VerificationMethod = .exact, keep: KeepPolicy = .longest,
    linkage: Linkage = ClusterConfiguration.defaultLinkage, boilerplateShare: Double? = ClusterConfiguration.defaultBoilerplateShare,
    threads: Int = ProcessInfo.processInfo.activeProcessorCount, batchSize: Int = 4096
  ) throws(ParameterError) {
    guard threshold > 0, threshold <= 1 else { throw .threshold(threshold) }
    guard Self.threadCounts.contains(threads) else { throw .threads(threads, allowed: Self.threadCounts) }
    if let lsh, lsh.bands * lsh.rows > sketch.permutationCount {
      throw .bandsAndRows(bands: lsh.bands, rows: lsh.rows, permutationCount: sketch.permutationCount)
    }
    self.sketch = sketch
    self.threshold = threshold
    self.measure = measure
    self.lsh = lsh
    self.verification = verification
    self.keep = keep
    self.linkage = linkage
    self.boilerplateShare = boilerplateShare
    self.threads = threads
    self.batchSize = max(1, batchSize)
  }

  /// The Jaccard similarity the banding is designed for: the threshold itself for
  /// `.jaccard`; for `.containment`, the lowest Jaccard similarity of a pair with
  /// containment `threshold` and size ratio up to `containmentSizeRatio`:
  /// t / (1 + ρ − t), since |A ∩ B| ≥ t|A| and |A ∪ B| ≤ (1 + ρ − t)|A|.
  public var candidateThreshold: Double {
    switch measure {
    case .jaccard: threshold
    case .containment: threshold / (1 + Self.containmentSizeRatio - threshold)
    }
  }

  /// The size-gap bandings of containment runs (none for Jaccard, or with an explicit
  /// banding): pairs up to 64 times apart in size (class gaps 1 to 5, see
  /// `CandidateGenerator.containmentGapBandings`) are found by design.
  public var gapBandings: [(gap: Int, lsh: LSHParameters)] {
    guard measure == .containment, lsh == nil else { return [] }
    return CandidateGenerator.containmentGapBandings(threshold: threshold, permutationCount: sketch.permutationCount)
  }

  /// The banding in use: `lsh`, or the optimal one for `candidateThreshold`.
  public var resolvedLSH: LSHParameters {
    lsh ?? LSHParameters.optimal(threshold: candidateThreshold, permutationCount: sketch.permutationCount)
  }
}
