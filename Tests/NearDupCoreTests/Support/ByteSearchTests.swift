import Testing

@testable import NearDupCore

@Suite("UnsafeBufferPointer.firstIndex(of:from:)")
struct ByteSearchTests {
  @Test("finds the first byte at or after the start, in a buffer of any length")
  func matchesLinearSearch() {
    var random = SplitMix64(seed: 3)
    for length in [0, 1, 2, 15, 16, 17, 63, 64, 65, 300] {
      let bytes = (0..<length).map { _ in UInt8(truncatingIfNeeded: random.next() % 4) }
      bytes.withUnsafeBufferPointer { buffer in
        for start in 0...length {
          for byte: UInt8 in 0...4 {
            let expected = bytes[start...].firstIndex(of: byte)
            #expect(
              buffer.firstIndex(of: byte, from: start) == expected, "length \(length), start \(start), byte \(byte)")
          }
        }
      }
    }
  }
}
