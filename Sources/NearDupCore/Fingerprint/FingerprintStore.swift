/// The fingerprint sets of N documents in one flat array, for exact verification.
///
/// Set i is `values[offsets[i]..<offsets[i + 1]]`, sorted and duplicate-free.
///
/// - Invariant: `offsets.first == 0`, `offsets` is non-decreasing,
///   `offsets.last == values.count`, and `offsets.count == count + 1`.
public struct FingerprintStore: Sendable {
  /// All fingerprints, set after set.
  public private(set) var values: [UInt64] = []
  /// Where each set starts, plus the end of the last one.
  public private(set) var offsets: [Int] = [0]

  /// Creates an empty store.
  public init() {}

  /// N, the number of sets.
  public var count: Int { offsets.count - 1 }

  /// The size of set `index`.
  /// - Complexity: O(1).
  @inlinable
  public func size(of index: Int) -> Int { offsets[index + 1] - offsets[index] }

  /// Appends one sorted, duplicate-free set.
  /// - Complexity: O(set.count) amortized.
  public mutating func append(_ set: UnsafeBufferPointer<UInt64>) {
    values.append(contentsOf: set)
    offsets.append(values.count)
  }

  /// Appends all sets of `other`, in order.
  /// - Complexity: O(other.values.count + other.count) amortized.
  public mutating func append(contentsOf other: FingerprintStore) {
    let base = values.count
    values.append(contentsOf: other.values)
    offsets.append(contentsOf: other.offsets.dropFirst().lazy.map { $0 + base })
  }

  /// Calls `body` with a lookup that yields set i as a buffer; the buffers must not
  /// escape `body`.
  public func withSets<Result>(_ body: (FingerprintSets) throws -> Result) rethrows -> Result {
    try values.withUnsafeBufferPointer { values in
      try offsets.withUnsafeBufferPointer { offsets in
        try body(FingerprintSets(values: values, offsets: offsets))
      }
    }
  }

  /// Set `index` as an array; for tests and reports.
  /// - Complexity: O(size of the set).
  public func set(_ index: Int) -> [UInt64] { Array(values[offsets[index]..<offsets[index + 1]]) }
}

/// A read-only view of a `FingerprintStore`, valid inside `withSets`.
public struct FingerprintSets: @unchecked Sendable {
  @usableFromInline let values: UnsafeBufferPointer<UInt64>
  @usableFromInline let offsets: UnsafeBufferPointer<Int>

  /// Set `index`, sorted and duplicate-free.
  /// - Complexity: O(1).
  @inlinable
  public subscript(index: Int) -> UnsafeBufferPointer<UInt64> {
    UnsafeBufferPointer(rebasing: values[offsets[index]..<offsets[index + 1]])
  }
}
