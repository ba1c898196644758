/// What NearDup keeps about every document once its text is gone: id, preview,
/// origin and sizes. Texts are never all held; this table is O(N) small fields.
///
/// - Invariant: every array has `count` elements, in input order.
package struct DocumentTable: Sendable {
  /// Document ids, unique.
  public internal(set) var ids: [String] = []
  /// The start of each title (or first line), for reports.
  public internal(set) var previews: [String] = []
  /// Where each document came from.
  public internal(set) var locations: [DocumentLocation] = []
  /// Tokens after normalization (the length the keep policy compares).
  public internal(set) var tokenCounts: [UInt32] = []
  /// Distinct shingles.
  public internal(set) var shingleCounts: [UInt32] = []
  /// Labels read with `CorpusOptions.labelField` ("" for none); empty when no label
  /// field was asked for.
  public internal(set) var labels: [String] = []

  /// Creates an empty table.
  public init() {}

  /// N, the number of documents.
  public var count: Int { ids.count }

  /// Whether document `index` has no tokens (and so never joins a cluster).
  public func isEmpty(_ index: Int) -> Bool { shingleCounts[index] == 0 }
}
