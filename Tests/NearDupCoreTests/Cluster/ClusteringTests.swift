import NearDupCore
import Testing

@Suite("Clustering")
struct ClusteringTests {
  let lengths: [UInt32] = [10, 30, 20, 5, 7, 9]

  @Test("identical texts and edges merge; empty documents never join", arguments: KeepPolicy.allCases)
  func clusters(keep: KeepPolicy) {
    // 0 and 2 identical; edge 2–1; 3 empty; 4–5 edge.
    let canonical: [UInt32] = [0, 1, 0, UInt32.max, 4, 5]
    let edges = [Edge(2, 1, similarity: 0.9), Edge(4, 5, similarity: 0.85)]
    let clusters = Clustering(keep: keep).clusters(canonical: canonical, edges: edges, lengths: lengths) { a, b in
      a == b ? 1 : 0.9
    }
    #expect(clusters.map { Set($0.members.map(\.document)) } == [[0, 1, 2], [4, 5]])
    let expectedRepresentatives: [KeepPolicy: [Int]] = [.longest: [1, 5], .first: [0, 4], .shortest: [0, 4]]
    #expect(clusters.map(\.representative) == expectedRepresentatives[keep])
    for cluster in clusters { #expect(cluster.members[0].similarity == 1) }
  }

  @Test("members follow the representative by decreasing similarity, then input order")
  func memberOrder() {
    let canonical: [UInt32] = [0, 1, 2, 3]
    let edges = [Edge(0, 1, similarity: 0.9), Edge(0, 2, similarity: 0.9), Edge(0, 3, similarity: 0.9)]
    let similarity: [Int: Double] = [1: 0.81, 2: 0.95, 3: 0.81]
    let clusters = Clustering(keep: .first).clusters(canonical: canonical, edges: edges, lengths: [1, 1, 1, 1]) { a, _ in
      similarity[a]!
    }
    #expect(clusters[0].members.map(\.document) == [0, 2, 1, 3])
  }

  @Test("ties in length go to the earliest document")
  func ties() {
    let clustering = Clustering(keep: .longest)
    #expect(clustering.representative(of: [2, 4, 5], lengths: [0, 0, 8, 0, 8, 8]) == 2)
    #expect(Clustering(keep: .shortest).representative(of: [2, 4, 5], lengths: [0, 0, 8, 0, 8, 8]) == 2)
  }
}
