/// Appends `string` to `out` as a JSON string literal (RFC 8259): quotes,
/// backslashes and control characters escaped, other characters as UTF-8.
/// - Complexity: O(string.utf8.count).
package func appendJSONString(_ string: String, to out: inout [UInt8]) {
  out.append(UInt8(ascii: "\""))
  for byte in string.utf8 {
    switch byte {
    case UInt8(ascii: "\""): out.append(contentsOf: [0x5C, 0x22])
    case UInt8(ascii: "\\"): out.append(contentsOf: [0x5C, 0x5C])
    case 0x0A: out.append(contentsOf: [0x5C, UInt8(ascii: "n")])
    case 0x0D: out.append(contentsOf: [0x5C, UInt8(ascii: "r")])
    case 0x09: out.append(contentsOf: [0x5C, UInt8(ascii: "t")])
    case 0..<0x20:
      let hex = Array("0123456789abcdef".utf8)
      out.append(contentsOf: [
        0x5C, UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)],
      ])
    default: out.append(byte)
    }
  }
  out.append(UInt8(ascii: "\""))
}

/// A similarity in 0...1 as JSON/CSV text with four decimals ("0.8734", "1.0").
/// Rounding down at the fourth decimal never shows a value below the threshold as
/// meeting it, nor 1.0 for a value below 1.
/// - Complexity: O(1).
package func formatSimilarity(_ value: Double) -> String {
  var bytes: [UInt8] = []
  appendSimilarity(value, to: &bytes)
  return String(decoding: bytes, as: UTF8.self)
}

/// Appends `formatSimilarity(value)`'s UTF-8 to `out`, without allocating once `out`
/// has room: "0." and the four decimals rounded down, trailing zeros dropped.
/// - Complexity: O(1).
package func appendSimilarity(_ value: Double, to out: inout [UInt8]) {
  let scaled = Int((value * 10_000).rounded(.down))
  if scaled >= 10_000 { return out.append(contentsOf: (value >= 1 ? "1.0" : "0.9999").utf8) }
  // Drop trailing zeros, keeping one decimal at least: 8000 → 8, 50 → 005.
  var decimals = scaled
  var count = 4
  var divisor = 1000
  while count > 1 && decimals % 10 == 0 {
    decimals /= 10
    count -= 1
    divisor /= 10
  }
  out.append(contentsOf: "0.".utf8)
  while divisor > 0 {
    out.append(UInt8(ascii: "0") + UInt8(decimals / divisor % 10))
    divisor /= 10
  }
}
