import Dispatch
import Synchronization

/// A mutable buffer handed to parallel workers that write disjoint parts of it.
///
/// Swift cannot prove that workers of `DispatchQueue.concurrentPerform` touch
/// disjoint elements, so this wrapper asserts it instead.
///
/// - Invariant: every user writes only the elements of its own chunk, and nobody
///   reads an element another worker may be writing. The buffer outlives the
///   parallel region that uses it.
package struct DisjointRows<Element>: @unchecked Sendable {
  /// The whole buffer; each worker writes only its own rows of it.
  package let base: UnsafeMutableBufferPointer<Element>

  /// Wraps `base` for hand-over to parallel workers.
  package init(_ base: UnsafeMutableBufferPointer<Element>) {
    self.base = base
  }
}

/// Runs `body(chunk)` for every chunk in `0..<chunkCount` on at most `threads`
/// threads, handing out chunks dynamically so uneven chunks balance out.
///
/// Results must not depend on which thread runs a chunk: callers write each chunk's
/// output to its own slot and combine the slots in chunk order afterwards, so the
/// output is identical for every thread count.
///
/// - Parameters:
///   - chunkCount: The number of independent work items.
///   - threads: The largest number of threads to use; 1 runs inline.
///   - body: The work for one chunk; called exactly once per chunk.
/// - Complexity: O(chunkCount) scheduling overhead plus the work itself.
package func parallelForEach(
  chunkCount: Int, threads: Int, _ body: (_ chunk: Int) -> Void
) {
  if chunkCount <= 0 { return }
  let workers = max(1, min(threads, chunkCount))
  if workers == 1 {
    for chunk in 0..<chunkCount { body(chunk) }
    return
  }
  let cursor = ChunkCursor()
  // The closure never outlives this call, and callers give every chunk its own
  // output (see `DisjointRows`), which is what makes the hand-over sound.
  withoutActuallyEscaping(body) { body in
    let work = UncheckedSendable(body)
    DispatchQueue.concurrentPerform(iterations: workers) { _ in
      while true {
        let chunk = cursor.next()
        if chunk >= chunkCount { break }
        work.value(chunk)
      }
    }
  }
}

/// Carries a value the compiler cannot prove `Sendable` into parallel workers.
/// - Invariant: the workers use it only as `parallelForEach` documents.
private struct UncheckedSendable<Value>: @unchecked Sendable {
  let value: Value
  init(_ value: Value) { self.value = value }
}

/// Hands out consecutive chunk numbers to parallel workers.
private final class ChunkCursor: Sendable {
  private let value = Atomic<Int>(0)

  /// The next chunk number not yet handed out.
  func next() -> Int {
    value.wrappingAdd(1, ordering: .relaxed).oldValue
  }
}

/// Splits `0..<count` into `chunkCount` nearly equal consecutive ranges.
/// - Complexity: O(1).
@inlinable
package func chunkRange(_ chunk: Int, of chunkCount: Int, count: Int) -> Range<Int> {
  let lower = count * chunk / chunkCount
  let upper = count * (chunk + 1) / chunkCount
  return lower..<upper
}
