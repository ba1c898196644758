import Synchronization

/// Large results that the `neardup` process keeps until it exits instead of freeing
/// them when a command returns.
///
/// Freeing a clustering result (a string per document, arrays of hundreds of
/// megabytes) costs time proportional to the corpus, on the critical path just
/// before exit, where the kernel reclaims the memory anyway (docs/Performance.md
/// has the measurement). `NearDup.main`
/// turns keeping on; anything else that runs the commands (the tests, in one
/// long-lived process) leaves it off, so there the values are freed as usual.
enum ProcessTeardown {
  private static let state = Mutex<(isSkipped: Bool, kept: [any Sendable])>((false, []))

  /// Makes `keepUntilExit` keep its values; called once by the executable's `main`.
  static func skipFreeingAtExit() {
    state.withLock { $0.isSkipped = true }
  }

  /// Keeps `value` alive until the process exits if `skipFreeingAtExit` was called;
  /// otherwise does nothing, and the value is freed when its last owner lets go.
  /// - Complexity: O(1) amortized.
  static func keepUntilExit(_ value: any Sendable) {
    state.withLock { state in
      if state.isSkipped { state.kept.append(value) }
    }
  }
}
