/// Disjoint sets over 0..<N with union by size and path halving (Tarjan, *Efficiency
/// of a good but not linear set union algorithm*, JACM 1975): any sequence of m
/// operations costs O(m α(N)).
///
/// Two flat integer arrays; no per-element objects.
///
/// - Invariant: `parent[i] == i` exactly for roots; `size[r]` is the number of
///   elements in the set of root r; following parents always reaches a root.
package struct UnionFind: Sendable {
  private var parent: [UInt32]
  private var size: [UInt32]

  /// N singleton sets {0}, {1}, …, {N−1}.
  /// - Complexity: O(N).
  package init(count: Int) {
    precondition(count < Int(UInt32.max), "union-find supports fewer than 2^32 elements, not \(count)")
    parent = (0..<UInt32(count)).map { $0 }
    size = [UInt32](repeating: 1, count: count)
  }

  /// N, the number of elements.
  package var count: Int { parent.count }

  /// The root (representative) of `element`'s set, halving the path on the way.
  /// - Complexity: O(α(N)) amortized.
  package mutating func find(_ element: Int) -> Int {
    var x = element
    while Int(parent[x]) != x {
      let grandparent = parent[Int(parent[x])]
      parent[x] = grandparent
      x = Int(grandparent)
    }
    return x
  }

  /// Merges the sets of `a` and `b`; the larger set's root stays the root (the lower
  /// root on ties, so results do not depend on argument order).
  /// - Returns: true if they were in different sets.
  /// - Complexity: O(α(N)) amortized.
  @discardableResult
  package mutating func union(_ a: Int, _ b: Int) -> Bool {
    var rootA = find(a)
    var rootB = find(b)
    if rootA == rootB { return false }
    if size[rootA] < size[rootB] || (size[rootA] == size[rootB] && rootB < rootA) { swap(&rootA, &rootB) }
    parent[rootB] = UInt32(rootA)
    size[rootA] += size[rootB]
    #if DEBUG
      assert(Int(parent[rootA]) == rootA && size[rootA] >= 2, "union left \(rootA) without a valid root size")
    #endif
    return true
  }

  /// The number of elements in `element`'s set.
  /// - Complexity: O(α(N)) amortized.
  package mutating func setSize(of element: Int) -> Int { Int(size[find(element)]) }

  /// Checks every invariant; for tests.
  /// - Complexity: O(N α(N)).
  package mutating func checkInvariants() {
    var counted = [UInt32](repeating: 0, count: count)
    for element in 0..<count { counted[find(element)] += 1 }
    for element in 0..<count where Int(parent[element]) == element {
      precondition(
        counted[element] == size[element],
        "root \(element) records size \(size[element]) but has \(counted[element]) elements")
    }
  }
}
