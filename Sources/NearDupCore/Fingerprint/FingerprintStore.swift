/// The fingerprint sets (or digest sets) of N documents in one flat array, for exact
/// verification.
///
/// Set i is `values[offsets[i]..<offsets[i + 1]]`, sorted and duplicate-free. The
/// clustering pipeline keeps 32-bit digests (`FingerprintStore<UInt32>`); indexes
/// keep the 64-bit fingerprints.
///
/// - Invariant: `offsets.first == 0`, `offsets` is non-decreasing,
///   `offsets.last == values.count`, and `offsets.count == count + 1`.
package struct FingerprintStore<Element: FixedWidthInteger & Sendable>: Sendable {
  /// All values, set after set.
  package private(set) var values: [Element] = []
  /// Where each set starts, plus the end of the last one.
  package private(set) var offsets: [Int] = [0]

  /// Creates an empty store.
  package init() {}

  /// N, the number of sets.
  package var count: Int { offsets.count - 1 }

  /// The size of set `index`.
  /// - Complexity: O(1).
  package func size(of index: Int) -> Int { offsets[index + 1] - offsets[index] }

  /// Appends one sorted, duplicate-free set.
  /// - Complexity: O(set.count) amortized.
  package mutating func append(_ set: UnsafeBufferPointer<Element>) {
    values.append(contentsOf: set)
    offsets.append(values.count)
  }

  /// Appends all sets of `other`, in order.
  /// - Complexity: O(other.values.count + other.count) amortized.
  package mutating func append(contentsOf other: FingerprintStore) {
    let base = values.count
    values.append(contentsOf: other.values)
    offsets.append(contentsOf: other.offsets.dropFirst().lazy.map { $0 + base })
  }

  /// Removes every set, keeping the storage for the next ones.
  package mutating func removeAll() {
    values.removeAll(keepingCapacity: true)
    offsets.removeAll(keepingCapacity: true)
    offsets.append(0)
  }

  /// Reserves room for `sets` more sets of `values` values in total.
  package mutating func reserveCapacity(sets: Int, values count: Int) {
    values.reserveCapacity(values.count + count)
    offsets.reserveCapacity(offsets.count + sets)
  }

  /// Maps the reserved memory of the next `count` values ahead of appending them
  /// (see `PagePopulation`); changes no set.
  /// - Complexity: O(count) in the kernel.
  package mutating func populateSpareCapacity(values count: Int) {
    let capacity = values.capacity
    values.withUnsafeMutableBufferPointer {
      PagePopulation.populateSpareCapacity(after: $0, capacity: capacity, additional: count)
    }
  }

  /// Calls `body` with a lookup that yields set i as a buffer; the buffers must not
  /// escape `body`.
  package func withSets<Result>(_ body: (FingerprintSets<Element>) throws -> Result) rethrows -> Result {
    try values.withUnsafeBufferPointer { values in
      try offsets.withUnsafeBufferPointer { offsets in
        try body(FingerprintSets(values: values, offsets: offsets))
      }
    }
  }

  /// Set `index` as an array; for tests and reports.
  /// - Complexity: O(size of the set).
  package func set(_ index: Int) -> [Element] { Array(values[offsets[index]..<offsets[index + 1]]) }
}

/// A read-only view of a `FingerprintStore`, valid inside `withSets`.
package struct FingerprintSets<Element: FixedWidthInteger & Sendable>: @unchecked Sendable {
  @usableFromInline let values: UnsafeBufferPointer<Element>
  @usableFromInline let offsets: UnsafeBufferPointer<Int>

  /// Set `index`, sorted and duplicate-free.
  /// - Complexity: O(1).
  @inlinable
  package subscript(index: Int) -> UnsafeBufferPointer<Element> {
    UnsafeBufferPointer(rebasing: values[offsets[index]..<offsets[index + 1]])
  }
}

/// The 32-bit digest sets the clustering pipeline verifies with.
package typealias DigestStore = FingerprintStore<UInt32>
