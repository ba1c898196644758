extension Array where Element: BitwiseCopyable {
  /// Sets the count to `newCount` for a caller about to overwrite every element:
  /// shrinking drops the tail, growing appends copies of `filler`; the elements kept
  /// hold whatever they held. A buffer reused from one document to the next thus
  /// writes only the difference in size, not a whole new run of fillers.
  /// - Complexity: O(max(0, newCount − count)).
  @inline(__always)
  mutating func resize(to newCount: Int, filling filler: Element) {
    if newCount < count {
      removeLast(count - newCount)
    } else if newCount > count {
      append(contentsOf: repeatElement(filler, count: newCount - count))
    }
  }
}
