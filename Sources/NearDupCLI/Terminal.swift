#if canImport(Glibc)
  @preconcurrency import Glibc  // `stdout`, a C global
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif
import NearDupCore

/// Where the report and progress go, and whether a person is watching.
enum Terminal {
  /// Whether standard error is a terminal (progress is shown only then).
  static var standardErrorIsTerminal: Bool { isatty(2) == 1 }

  /// Whether standard output is a terminal (tables for people, JSON Lines otherwise).
  static var standardOutputIsTerminal: Bool { isatty(1) == 1 }

  /// Flushes what was printed to standard output; a failed write (a closed pipe, a
  /// full disk) ends the process with exit 1 and a message naming standard output.
  static func finishStandardOutput() {
    errno = 0
    // A write that failed earlier (a full buffer flushed into a closed pipe) leaves
    // only the stream's error flag behind.
    guard fflush(nil) != 0 || ferror(stdout) != 0 else { return }
    // The reason is known only when this last flush failed.
    let reason = errno == 0 ? "" : ": " + String(cString: strerror(errno))
    writeError("Error: standard output: write failed\(reason)\n")
    exit(1)
  }

  /// Writes `text` to standard error.
  static func writeError(_ text: String) {
    var copy = text
    copy.withUTF8 { bytes in _ = write(2, bytes.baseAddress, bytes.count) }
  }
}

/// A one-line progress display on standard error, redrawn at most ten times a
/// second, and only when standard error is a terminal.
final class ProgressLine {
  private let enabled: Bool
  private var lastDraw = -1.0
  private var drawn = false

  init(enabled: Bool = Terminal.standardErrorIsTerminal) {
    self.enabled = enabled
  }

  /// Redraws the line for `progress` if enough time has passed.
  func update(_ progress: PipelineProgress) {
    let streaming = progress.stage == "read" || progress.stage == "write"
    guard enabled, progress.elapsed - lastDraw >= 0.1 || !streaming else { return }
    lastDraw = progress.elapsed
    let rate = progress.elapsed > 0 ? Double(progress.documents) / progress.elapsed : 0
    let text =
      streaming
      ? "\(progress.stage == "read" ? "reading" : "writing"): \(Format.count(progress.documents)) documents, "
        + (progress.bytes > 0 ? "\(Format.megabytes(progress.bytes)), " : "") + "\(Format.count(Int(rate))) docs/s"
      : "\(progress.stage): \(Format.count(progress.documents)) documents, \(Format.seconds(progress.elapsed))"
    Terminal.writeError("\r\u{1B}[K" + text)
    drawn = true
  }

  /// Erases the line.
  func finish() {
    if drawn { Terminal.writeError("\r\u{1B}[K") }
    drawn = false
  }
}

/// Number formatting for reports.
enum Format {
  /// `value` as a quoted, escaped JSON string.
  static func jsonString(_ value: String) -> String {
    var bytes: [UInt8] = []
    appendJSONString(value, to: &bytes)
    return String(decoding: bytes, as: UTF8.self)
  }

  /// 1234567 → "1,234,567".
  static func count(_ value: Int) -> String {
    let digits = String(value.magnitude)
    var out = ""
    for (index, digit) in digits.enumerated() {
      if index > 0 && (digits.count - index) % 3 == 0 { out.append(",") }
      out.append(digit)
    }
    return value < 0 ? "-" + out : out
  }

  /// "1 cluster", "2,048 clusters".
  static func plural(_ value: Int, _ noun: String, _ pluralNoun: String? = nil) -> String {
    "\(count(value)) \(value == 1 ? noun : pluralNoun ?? noun + "s")"
  }

  /// A value with `digits` decimals.
  static func fixed(_ value: Double, _ digits: Int) -> String {
    guard value.isFinite else { return "-" }
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let rounded = (value * scale).rounded() / scale
    var text = "\(rounded)"
    if text.contains("e") { return String(Int(rounded)) }
    let parts = text.split(separator: ".", omittingEmptySubsequences: false)
    var fraction = parts.count > 1 ? String(parts[1]) : ""
    if digits == 0 { return String(parts[0]) }
    while fraction.count < digits { fraction.append("0") }
    text = String(parts[0]) + "." + fraction.prefix(digits)
    return text
  }

  /// Bytes as megabytes (10^6), e.g. "23.3 MB".
  static func megabytes(_ bytes: Int) -> String { fixed(Double(bytes) / 1e6, 1) + " MB" }

  /// Seconds, e.g. "0.042 s" or "12.3 s".
  static func seconds(_ value: Double) -> String { value < 10 ? fixed(value, 3) + " s" : fixed(value, 1) + " s" }

  /// `text` padded with spaces to `width` characters.
  static func padded(_ text: String, _ width: Int) -> String {
    text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
  }
}
