import Testing

@testable import NearDupCore

@Suite("IDRegistry")
struct IDRegistryTests {
  @Test("the first location of every id is kept, and only repeats are reported, as a dictionary would")
  func repeatsAgainstDictionary() {
    var random = SplitMix64(seed: 5)
    var registry = IDRegistry()
    var expected: [String: DocumentLocation] = [:]
    // Ids from a small pool, so that many repeat; short ones are stored inline in
    // the string, long ones on the heap. The registry grows from its initial size.
    // Every third id comes with its hash (as from the workers), after a prefetch.
    for line in 1...20_000 {
      let number = random.next() % 12_000
      let id = number % 2 == 0 ? "doc-\(number)" : "a-much-longer-document-identifier-\(number)"
      let location = DocumentLocation(input: Int32(line % 3), line: Int32(line))
      let hash = IDRegistry.hash(id)
      if line % 3 == 0 { registry.prefetch(hash: hash) }
      let first = line % 3 == 0 ? registry.register(id, hash: hash, at: location) : registry.register(id, at: location)
      #expect(first == expected[id])
      if expected[id] == nil { expected[id] = location }
    }
    #expect(registry.count == expected.count)
  }

  @Test("ids that differ in bytes are different ids, even when Swift strings call them equal")
  func byteComparison() {
    var registry = IDRegistry()
    registry.reserveCapacity(4)
    #expect(registry.register("caf\u{E9}", at: DocumentLocation(input: 0, line: 1)) == nil)
    #expect(registry.register("cafe\u{301}", at: DocumentLocation(input: 0, line: 2)) == nil)
    #expect(
      registry.register("caf\u{E9}", at: DocumentLocation(input: 0, line: 3)) == DocumentLocation(input: 0, line: 1))
  }
}
