extension Array where Element: BitwiseCopyable {
  /// Sets the count to `newCount` for a caller about to overwrite every element:
  /// shrinking drops the tail; the elements kept hold what they held. A buffer reused
  /// from one document to the next thus writes only the difference in size.
  ///
  /// Growing within the capacity appends copies of `filler`. Growing past it moves
  /// the elements to a new allocation and leaves the new elements unwritten, holding
  /// whatever bits the memory holds, so that a buffer sized for the worst case (the
  /// tokenizer's four output bytes per input byte) costs physical memory only for
  /// the pages the caller writes.
  ///
  /// - Precondition: the caller writes every element beyond the old count before
  ///   reading it.
  /// - Complexity: O(max(0, newCount − count)) within the capacity, O(count) past it.
  @inline(__always)
  mutating func resize(to newCount: Int, filling filler: Element) {
    if newCount < count {
      removeLast(count - newCount)
    } else if newCount <= capacity {
      append(contentsOf: repeatElement(filler, count: newCount - count))
    } else {
      let kept = self
      self = Array(unsafeUninitializedCapacity: newCount) { buffer, initializedCount in
        kept.withUnsafeBufferPointer { old in
          if let source = old.baseAddress { buffer.baseAddress!.initialize(from: source, count: old.count) }
        }
        initializedCount = newCount
      }
    }
  }
}
