import Dispatch

/// A monotonic stopwatch for the per-stage timings in reports.
///
/// - Complexity: O(1) per reading.
public struct Stopwatch: Sendable {
  private var start: UInt64

  /// Starts timing now.
  public init() {
    start = DispatchTime.now().uptimeNanoseconds
  }

  /// Seconds since the stopwatch started or was last restarted.
  public var elapsed: Double {
    Double(DispatchTime.now().uptimeNanoseconds &- start) / 1e9
  }

  /// Returns the elapsed seconds and starts again from now.
  public mutating func lap() -> Double {
    let now = DispatchTime.now().uptimeNanoseconds
    defer { start = now }
    return Double(now &- start) / 1e9
  }
}
