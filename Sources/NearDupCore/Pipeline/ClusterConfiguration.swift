import Foundation

/// Everything that shapes a clustering run, validated when it is made.
///
/// Every tunable is an argument of the throwing initializer, which checks it; the
/// properties are read-only, so that a configuration never holds an invalid value.
/// Every argument has NearDup's default:
///
/// ```swift
/// let configuration = try ClusterConfiguration(threshold: 0.8, measure: .jaccard)
/// ```
///
/// - Invariant: `0 < threshold <= 1`; `threadCounts.contains(threads)`; `lsh` (when
///   set) fits `sketch.permutationCount`; `boilerplateShare` (when set) is in (0, 1);
///   `boilerplateSample >= 1`; `batchSize >= 1`.
public struct ClusterConfiguration: Sendable, Equatable {
  /// Shingling and MinHash parameters.
  public private(set) var sketch: SketchParameters
  /// The smallest similarity at which two documents are near-duplicates, in (0, 1].
  public private(set) var threshold: Double
  /// Jaccard or containment.
  public private(set) var measure: SimilarityMeasure
  /// An explicit banding; nil picks `LSHParameters.optimal(threshold:permutationCount:falseNegativeWeight:)`
  /// for `candidateThreshold`.
  public private(set) var lsh: LSHParameters?
  /// Exact or estimated verification of candidates.
  public private(set) var verification: VerificationMethod
  /// Which member represents a cluster.
  public private(set) var keep: KeepPolicy
  /// How edges join documents into clusters.
  public private(set) var linkage: Linkage
  /// Shingles found in at least this share of the sampled documents are boilerplate
  /// and dropped (nil: no boilerplate filter).
  public private(set) var boilerplateShare: Double?
  /// Documents sampled to learn the boilerplate shingles: the first ones read.
  public private(set) var boilerplateSample: Int
  /// Whether every document's digest set is kept even with signature verification,
  /// so that the run can be evaluated against exact similarities (`neardup eval`).
  public private(set) var keepsDigestSets: Bool
  /// Whether each document's preview (the start of its title or text) is kept for
  /// reports; without it every preview is empty, which saves a string per document.
  public private(set) var keepsPreviews: Bool
  /// The largest number of threads.
  public private(set) var threads: Int
  /// Documents per batch read and sketched together. The result does not depend on
  /// it; memory grows with it.
  public private(set) var batchSize: Int

  /// The default threshold: 0.8, the similarity of a copy whose site changed its
  /// headline, byline and tail.
  public static let defaultThreshold = 0.8
  /// The default measure: containment, so that a story padded with boilerplate or cut
  /// short joins its source (docs/ChoosingTheMeasure.md).
  public static let defaultMeasure = SimilarityMeasure.containment
  /// The default linkage: measured on the evaluation corpora (docs/Accuracy.md),
  /// center linkage matches components in B³ F1 and removes chaining.
  public static let defaultLinkage = Linkage.center
  /// The default boilerplate share: shingles in 0.5% of the sampled documents. It
  /// barely changes B³ F1 on the evaluation corpora and cuts candidate pairs up to
  /// tenfold (docs/Accuracy.md).
  public static let defaultBoilerplateShare: Double? = 0.005
  /// The default boilerplate sample: the first 20,000 documents.
  public static let defaultBoilerplateSample = 20_000
  /// The default batch size: 4,096 documents.
  public static let defaultBatchSize = 4096

  /// For `.containment`: the largest ratio |B| / |A| of shingle-set sizes (B the
  /// larger document) for which candidates are found with the banding's designed
  /// recall. A story inside a page with a boilerplate tail as long as itself is at
  /// ratio 2.
  public static let containmentSizeRatio = 2.0

  /// The thread counts accepted: far more than any machine's cores, few enough that
  /// per-thread state stays small.
  public static let threadCounts = 1...1024

  /// Creates a validated configuration; every argument has NearDup's default.
  ///
  /// - Parameters:
  ///   - sketch: Shingling and MinHash parameters.
  ///   - threshold: The smallest similarity of near-duplicates, in (0, 1].
  ///   - measure: Containment (the default: a copy cut short or padded with
  ///     boilerplate still matches its source) or Jaccard.
  ///   - lsh: An explicit banding, or nil for the optimal one for the threshold.
  ///   - verification: `.exact` (shingle sets) or `.signature` (MinHash estimate).
  ///   - keep: Which member represents a cluster.
  ///   - linkage: How verified pairs join documents into clusters.
  ///   - boilerplateShare: Drop shingles found in at least this share of the
  ///     sampled documents, in (0, 1); nil keeps every shingle.
  ///   - boilerplateSample: The number of first documents the boilerplate is
  ///     learned from, at least 1.
  ///   - keepsDigestSets: Whether digest sets are kept with signature verification too.
  ///   - keepsPreviews: Whether each document's preview is kept.
  ///   - threads: The largest number of threads, in `threadCounts`.
  ///   - batchSize: Documents read and sketched together, at least 1.
  /// - Throws: `ParameterError` naming the first value out of range: a threshold
  ///   outside (0, 1], a thread count outside `threadCounts`, a banding that does not
  ///   fit the permutations, a boilerplate share outside (0, 1), a boilerplate sample
  ///   or batch size below 1.
  public init(
    sketch: SketchParameters = .default, threshold: Double = defaultThreshold,
    measure: SimilarityMeasure = defaultMeasure,
    lsh: LSHParameters? = nil, verification: VerificationMethod = .exact, keep: KeepPolicy = .longest,
    linkage: Linkage = ClusterConfiguration.defaultLinkage,
    boilerplateShare: Double? = ClusterConfiguration.defaultBoilerplateShare,
    boilerplateSample: Int = ClusterConfiguration.defaultBoilerplateSample, keepsDigestSets: Bool = false,
    keepsPreviews: Bool = true, threads: Int = ProcessInfo.processInfo.activeProcessorCount,
    batchSize: Int = ClusterConfiguration.defaultBatchSize
  ) throws(ParameterError) {
    guard threshold > 0, threshold <= 1 else { throw .threshold(threshold) }
    guard Self.threadCounts.contains(threads) else { throw .threads(threads, allowed: Self.threadCounts) }
    if let lsh, lsh.bands * lsh.rows > sketch.permutationCount {
      throw .bandsAndRows(bands: lsh.bands, rows: lsh.rows, permutationCount: sketch.permutationCount)
    }
    if let boilerplateShare, !(boilerplateShare > 0 && boilerplateShare < 1) {
      throw .boilerplateShare(boilerplateShare)
    }
    guard boilerplateSample >= 1 else { throw .boilerplateSample(boilerplateSample) }
    guard batchSize >= 1 else { throw .batchSize(batchSize) }
    self.sketch = sketch
    self.threshold = threshold
    self.measure = measure
    self.lsh = lsh
    self.verification = verification
    self.keep = keep
    self.linkage = linkage
    self.boilerplateShare = boilerplateShare
    self.boilerplateSample = boilerplateSample
    self.keepsDigestSets = keepsDigestSets
    self.keepsPreviews = keepsPreviews
    self.threads = threads
    self.batchSize = batchSize
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
  package var gapBandings: [(gap: Int, lsh: LSHParameters)] {
    guard measure == .containment, lsh == nil else { return [] }
    return CandidateGenerator.containmentGapBandings(threshold: threshold, permutationCount: sketch.permutationCount)
  }

  /// The banding in use: `lsh`, or the optimal one for `candidateThreshold`.
  public var resolvedLSH: LSHParameters {
    lsh ?? LSHParameters.optimal(threshold: candidateThreshold, permutationCount: sketch.permutationCount)
  }
}
