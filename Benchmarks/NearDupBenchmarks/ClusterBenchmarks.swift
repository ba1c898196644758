import Benchmark
import NearDupCore

/// Cluster: union-find over 100,000 documents.
///
/// - `Cluster/unionFind/100k`: creates a `UnionFind` of 100,000 elements, merges
///   100,000 random edges (a random graph with as many edges as vertices, whose
///   giant component holds most elements: a harder case than the small clusters of
///   news copies), then finds the root of every element, as `Clustering` does.
///   Allocates the union-find's two arrays.
func clusterBenchmarks() {
  Benchmark(
    "Cluster/unionFind/100k", configuration: .allocating(scalingFactor: .one)
  ) { benchmark, state in
    for _ in benchmark.scaledIterations {
      var sets = UnionFind(count: state.count)
      for edge in state.edges { sets.union(Int(edge.a), Int(edge.b)) }
      var roots = 0
      for element in 0..<state.count { roots &+= sets.find(element) }
      blackHole(roots)
    }
  } setup: {
    ClusterState(count: 100_000)
  }
}

/// The edges of the Cluster benchmark.
final class ClusterState {
  let count: Int
  let edges: [(a: UInt32, b: UInt32)]

  init(count: Int) {
    self.count = count
    var random = SplitMix64(seed: 7)
    edges = (0..<count).map { _ in
      (
        UInt32(truncatingIfNeeded: random.next() % UInt64(count)),
        UInt32(truncatingIfNeeded: random.next() % UInt64(count))
      )
    }
  }
}
