/// The signatures of N documents as one flat N×k array of slot values, row i being
/// document i's signature.
///
/// One contiguous allocation instead of N arrays: no per-row object or reference
/// count, and rows of consecutive documents sit next to each other in memory.
///
/// - Invariant: `values.count == count * permutationCount`.
package struct SignatureMatrix: Sendable {
  /// k, the slots per row.
  package let permutationCount: Int
  /// All slot values, row-major.
  package private(set) var values: ContiguousArray<UInt32> = []

  /// Creates an empty matrix for signatures of `permutationCount` slots.
  package init(permutationCount: Int) {
    self.permutationCount = permutationCount
  }

  /// N, the number of rows.
  package var count: Int { values.count / permutationCount }

  /// Appends `rowCount` rows filled with `UInt32.max` and calls `body` with a
  /// buffer over exactly those new rows, for the caller to fill.
  /// - Complexity: O(rowCount·k).
  package mutating func appendRows(
    _ rowCount: Int, _ body: (UnsafeMutableBufferPointer<UInt32>) throws -> Void
  ) rethrows {
    let start = values.count
    values.append(contentsOf: repeatElement(UInt32.max, count: rowCount * permutationCount))
    try values.withUnsafeMutableBufferPointer { all in
      try body(UnsafeMutableBufferPointer(rebasing: all[start..<all.count]))
    }
  }

  /// Reserves room for `rows` rows in all.
  package mutating func reserveCapacity(rows: Int) {
    values.reserveCapacity(rows * permutationCount)
  }

  /// Maps the reserved memory of the next `rowCount` rows ahead of appending them
  /// (see `PagePopulation`); changes no row.
  /// - Complexity: O(rowCount·k) in the kernel.
  package mutating func populateSpareCapacity(rows rowCount: Int) {
    let capacity = values.capacity
    let additional = rowCount * permutationCount
    values.withUnsafeMutableBufferPointer {
      PagePopulation.populateSpareCapacity(after: $0, capacity: capacity, additional: additional)
    }
  }

  /// Appends the rows in `rows` (a multiple of k values).
  /// - Complexity: O(rows.count).
  package mutating func append(rows: UnsafeBufferPointer<UInt32>) {
    precondition(rows.count % permutationCount == 0, "\(rows.count) values are not whole rows of \(permutationCount)")
    values.append(contentsOf: rows)
  }

  /// Row `index` as a `Signature`.
  /// - Complexity: O(k).
  package func signature(_ index: Int) -> Signature {
    Signature(values: Array(values[index * permutationCount..<(index + 1) * permutationCount]))
  }

  /// Calls `body` with all rows; row i is `matrix[i*k..<(i+1)*k]`. The pointer must
  /// not escape `body`.
  package func withRows<Result>(_ body: (UnsafeBufferPointer<UInt32>) throws -> Result) rethrows -> Result {
    try values.withUnsafeBufferPointer(body)
  }
}
