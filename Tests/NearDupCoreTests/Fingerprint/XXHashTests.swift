@testable import NearDupCore
import Testing

@Suite("XXH3")
struct XXHashTests {
  @Test("XXH3-64 of the empty input with seed 0 matches the reference value")
  func goldenVector() {
    #expect(XXH3.hash("") == 0x2D06_8005_38D3_94C2)
  }

  /// Reference values of the library's scalar code (XXH_VECTOR=0), for the bytes
  /// (131·i + 7) mod 256: long inputs take the vector dispatch on x86-64, which must
  /// agree with it.
  @Test(
    "inputs on both sides of the long-input boundary match the scalar reference",
    arguments: [
      (240, 0, 0xB6CF_AF34_3FAB_81E6), (240, 0x4E44_0001, 0x60C4_8AF8_AFF1_B0A3),
      (241, 0, 0x956C_AE59_2C67_279E), (241, 0x4E44_0001, 0x2863_3F9D_9EAA_D480),
      (1000, 0, 0x571D_5CBF_EF44_331B), (1000, 0x4E44_0001, 0x9E50_F43C_755D_EB7B),
      (2640, 0, 0x0058_0878_0D3D_716D), (2640, 0x4E44_0001, 0x02B4_2C2F_F6E4_7E37),
      (4096, 0, 0x9DDD_66C1_4AF0_DAFF), (4096, 0x4E44_0001, 0x0655_7C30_5B23_1689),
    ] as [(Int, UInt64, UInt64)])
  func longInputs(length: Int, seed: UInt64, expected: UInt64) {
    let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ 7) }
    #expect(bytes.withUnsafeBytes { XXH3.hash($0, seed: seed) } == expected)
  }

  /// Reference values of XXH3-128 (the xxHash 0.8.4 reference implementation), for
  /// the bytes (131·i + 7) mod 256 and the content key's seed.
  @Test(
    "XXH3-128 matches the reference on both sides of the long-input boundary",
    arguments: [
      (0, 0xB98B_65D9_182D_ED12, 0x34ED_4B95_F127_D8FF), (100, 0xDD81_F8CF_E474_122F, 0x9AB2_9413_949F_2AD2),
      (240, 0x81F8_73FA_FB43_CD14, 0x465D_5365_CEBB_2E6F), (241, 0x2863_3F9D_9EAA_D480, 0xFAE7_7CA0_3B8F_87FE),
      (2640, 0x02B4_2C2F_F6E4_7E37, 0xA07F_A187_C544_6492),
    ] as [(Int, UInt64, UInt64)])
  func hash128(length: Int, low: UInt64, high: UInt64) {
    let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ 7) }
    let hash = bytes.withUnsafeBytes { XXH3.hash128($0.baseAddress, count: length, seed: 0x4E44_0001) }
    #expect(hash.low == low && hash.high == high)
  }

  @Test("the shingle hash equals the library's XXH3-64 at every length up to 100")
  func shingleHash() {
    var random = SplitMix64(seed: 17)
    for pattern in 0..<3 {
      for length in 0...100 {
        // 32 bytes of padding past the input: the shingle hash may read them.
        let bytes = (0..<length + 32).map { index in
          pattern == 0 ? UInt8(truncatingIfNeeded: index &* 131 &+ 7) : UInt8(truncatingIfNeeded: random.next())
        }
        bytes.withUnsafeBytes { raw in
          #expect(
            XXH3.hashShingle(raw.baseAddress!, count: length) == XXH3.hash(raw.baseAddress!, count: length, seed: 0),
            "length \(length), pattern \(pattern)")
        }
      }
    }
  }

  @Test("the seed changes the hash, the same input and seed never do")
  func seeds() {
    #expect(XXH3.hash("north korea", seed: 1) != XXH3.hash("north korea", seed: 2))
    #expect(XXH3.hash("north korea", seed: 7) == XXH3.hash("north korea", seed: 7))
  }

  @Test("signature slots hash as their little-endian bytes")
  func littleEndianSlots() {
    let slots: [UInt32] = [0x0102_0304, 42]
    let bytes: [UInt8] = [4, 3, 2, 1, 42, 0, 0, 0]
    #expect(
      slots.withUnsafeBufferPointer { XXH3.hash(littleEndianSlots: $0) } == bytes.withUnsafeBytes { XXH3.hash($0) })
  }
}
