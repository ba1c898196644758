extension Array where Element: Equatable {
  /// Removes repeats from a sorted array, keeping the first of each run.
  /// - Complexity: O(n).
  mutating func removeAdjacentDuplicates() {
    let unique = withUnsafeMutableBufferPointer { $0.moveAdjacentDistinctToFront() }
    removeLast(count - unique)
  }
}

extension UnsafeMutableBufferPointer where Element: Equatable {
  /// Moves the distinct values of a sorted buffer to its front, in order; returns
  /// their number. The elements after them are left unspecified.
  /// - Complexity: O(n).
  func moveAdjacentDistinctToFront() -> Int {
    guard count > 1 else { return count }
    var write = 1
    for read in 1..<count where self[read] != self[write - 1] {
      self[write] = self[read]
      write += 1
    }
    return write
  }
}
