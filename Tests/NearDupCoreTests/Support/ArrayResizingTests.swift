import Testing

@testable import NearDupCore

@Suite("Array.resize")
struct ArrayResizingTests {
  @Test("shrinking keeps the front, growing within the capacity appends the filler", arguments: [0, 3, 5, 9])
  func resize(newCount: Int) {
    var values: [UInt32] = [1, 2, 3, 4, 5]
    values.reserveCapacity(16)
    values.resize(to: newCount, filling: 7)
    let kept = Array([1, 2, 3, 4, 5].prefix(newCount)) as [UInt32]
    #expect(values == kept + [UInt32](repeating: 7, count: max(0, newCount - 5)))
  }

  @Test("growing past the capacity keeps the front and makes room without writing it", arguments: [6, 1_000, 1 << 22])
  func resizePastCapacity(newCount: Int) {
    var values: [UInt32] = [1, 2, 3, 4, 5]
    values.resize(to: newCount, filling: 7)
    #expect(values.count == newCount)
    #expect(values.capacity >= newCount)
    #expect(Array(values.prefix(5)) == [1, 2, 3, 4, 5])
    values.withUnsafeMutableBufferPointer { buffer in
      for index in 5..<buffer.count { buffer[index] = UInt32(index) }
    }
    #expect(values.last == UInt32(newCount - 1))
  }
}
