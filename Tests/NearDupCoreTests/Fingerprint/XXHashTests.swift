import NearDupCore
import Testing

@Suite("XXH3")
struct XXHashTests {
  @Test("XXH3-64 of the empty input with seed 0 matches the reference value")
  func goldenVector() {
    #expect(XXH3.hash("") == 0x2D06_8005_38D3_94C2)
  }

  @Test("the seed changes the hash, the same input and seed never do")
  func seeds() {
    #expect(XXH3.hash("north korea", seed: 1) != XXH3.hash("north korea", seed: 2))
    #expect(XXH3.hash("north korea", seed: 7) == XXH3.hash("north korea", seed: 7))
  }

  @Test("words and slots hash as their little-endian bytes")
  func littleEndianWords() {
    let words: [UInt64] = [0x0102_0304_0506_0708, 42]
    let bytes: [UInt8] = [8, 7, 6, 5, 4, 3, 2, 1, 42, 0, 0, 0, 0, 0, 0, 0]
    let fromWords = words.withUnsafeBufferPointer { XXH3.hash(littleEndianWords: $0) }
    #expect(fromWords == bytes.withUnsafeBytes { XXH3.hash($0) })
    let slots: [UInt32] = [0x0102_0304]
    #expect(slots.withUnsafeBufferPointer { XXH3.hash(littleEndianSlots: $0) } == [UInt8]([4, 3, 2, 1]).withUnsafeBytes { XXH3.hash($0) })
  }
}
