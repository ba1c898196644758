#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// A monotonic stopwatch for the per-stage timings in reports.
///
/// - Complexity: O(1) per reading.
package struct Stopwatch: Sendable {
  private var start: UInt64

  /// Starts timing now.
  package init() {
    start = monotonicNanoseconds()
  }

  /// Seconds since the stopwatch started or was last restarted.
  package var elapsed: Double {
    Double(monotonicNanoseconds() &- start) / 1e9
  }

  /// Returns the elapsed seconds and starts again from now.
  package mutating func lap() -> Double {
    let now = monotonicNanoseconds()
    defer { start = now }
    return Double(now &- start) / 1e9
  }
}

/// A lap timer on the monotonic clock, read once per stage of every document: each
/// lap starts where the previous one ended, so a worker that times parsing and the
/// sketch stages of a document reads the clock four times. (A reading of the
/// monotonic clock costs tens of nanoseconds, small beside the microseconds a
/// document's stages take; docs/Performance.md has the measurement.)
struct StageClock {
  private var last = monotonicNanoseconds()

  /// Nanoseconds since the previous lap (or creation).
  mutating func lap() -> UInt64 {
    let now = monotonicNanoseconds()
    defer { last = now }
    return now &- last
  }
}

/// Nanoseconds on the monotonic clock, the one reading behind `Stopwatch` and
/// `StageClock`.
@inline(__always)
func monotonicNanoseconds() -> UInt64 {
  var time = timespec()
  clock_gettime(CLOCK_MONOTONIC, &time)
  return UInt64(time.tv_sec) &* 1_000_000_000 &+ UInt64(time.tv_nsec)
}
