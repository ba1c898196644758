@testable import NearDupCore
import Testing

@Suite("IdenticalTexts")
struct IdenticalTextsTests {
  @Test("copies point to the first occurrence; keys that share their low bits stay apart; empty documents are left out")
  func grouping() {
    let a = ContentKey(low: 7, high: 1)
    let b = ContentKey(low: 7, high: 2)  // the same table slot as a, another text
    let c = ContentKey(low: 1 << 40, high: 3)
    let keys = [a, b, a, c, b, a, c]
    let empty: Set<Int> = [3]
    let identical = IdenticalTexts(contentKeys: keys, isEmpty: { empty.contains($0) })
    #expect(identical.canonical == [0, 1, 0, UInt32.max, 1, 0, 6])
    #expect(identical.participants == [0, 1, 6])
    #expect(identical.duplicateCount == 3)
  }

  @Test("agrees with a dictionary on many random keys with few distinct values")
  func randomKeys() {
    var random = SplitMix64(seed: 11)
    let distinct = (0..<500).map { _ in ContentKey(low: random.next() & 0xFFFF, high: random.next()) }
    let keys = (0..<5_000).map { _ in distinct[Int(random.next() % 500)] }
    let identical = IdenticalTexts(contentKeys: keys, isEmpty: { _ in false })
    var first: [ContentKey: UInt32] = [:]
    for (document, key) in keys.enumerated() where first[key] == nil { first[key] = UInt32(document) }
    #expect(identical.canonical == keys.map { first[$0]! })
    #expect(identical.participants == first.values.sorted())
    #expect(identical.duplicateCount == keys.count - first.count)
  }
}
