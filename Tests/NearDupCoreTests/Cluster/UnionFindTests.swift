import NearDupCore
import Testing

@Suite("UnionFind")
struct UnionFindTests {
  @Test("unions merge sets and report whether they changed anything")
  func basics() {
    var sets = UnionFind(count: 6)
    let merges = [sets.union(0, 1), sets.union(2, 3), sets.union(1, 0), sets.union(1, 3)]
    #expect(merges == [true, true, false, true])
    let roots = (0..<6).map { sets.find($0) }
    #expect(roots[0] == roots[2])
    #expect(roots[4] != roots[0])
    let sizes = [sets.setSize(of: 3), sets.setSize(of: 5)]
    #expect(sizes == [4, 1])
    sets.checkInvariants()
  }

  @Test("random unions agree with naive relabeling")
  func randomAgainstNaive() {
    var random = SplitMix64(seed: 77)
    let count = 300
    var sets = UnionFind(count: count)
    var label = Array(0..<count)
    for _ in 0..<250 {
      let a = Int(random.next() % UInt64(count))
      let b = Int(random.next() % UInt64(count))
      sets.union(a, b)
      let (from, to) = (label[b], label[a])
      for i in 0..<count where label[i] == from { label[i] = to }
    }
    sets.checkInvariants()
    for _ in 0..<1000 {
      let a = Int(random.next() % UInt64(count))
      let b = Int(random.next() % UInt64(count))
      let together = sets.find(a) == sets.find(b)
      #expect(together == (label[a] == label[b]))
    }
  }
}
