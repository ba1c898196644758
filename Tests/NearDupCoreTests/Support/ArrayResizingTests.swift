import Testing

@testable import NearDupCore

@Suite("Array.resize")
struct ArrayResizingTests {
  @Test("shrinking keeps the front, growing appends the filler", arguments: [0, 3, 5, 9])
  func resize(newCount: Int) {
    var values: [UInt32] = [1, 2, 3, 4, 5]
    values.resize(to: newCount, filling: 7)
    let kept = Array([1, 2, 3, 4, 5].prefix(newCount)) as [UInt32]
    #expect(values == kept + [UInt32](repeating: 7, count: max(0, newCount - 5)))
  }
}
