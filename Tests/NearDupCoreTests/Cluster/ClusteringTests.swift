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

  /// A ~ B and B ~ C, but A ≁ C; A is the longest.
  func chain(_ linkage: Linkage) -> [Cluster] {
    let similarities: [Set<Int>: Double] = [[0, 1]: 0.85, [1, 2]: 0.85, [0, 2]: 0.3]
    return Clustering(keep: .longest, linkage: linkage).clusters(
      canonical: [0, 1, 2], edges: [Edge(0, 1, similarity: 0.85), Edge(1, 2, similarity: 0.85)], lengths: [30, 20, 10]
    ) { a, b in similarities[[a, b]]! }
  }

  @Test("components chain A ~ B ~ C into one cluster around the longest, dissimilar member included")
  func chainingComponents() {
    let clusters = chain(.components)
    #expect(clusters.count == 1)
    #expect(clusters[0].representative == 0)
    #expect(clusters[0].members.map(\.similarity) == [1, 0.85, 0.3])
  }

  @Test("center linkage keeps every member similar to its representative")
  func chainingCenter() {
    let clusters = chain(.center)
    // B has the most neighbours: it represents the cluster, A and C both resemble it.
    #expect(clusters.count == 1)
    #expect(clusters[0].representative == 1)
    #expect(clusters[0].members.allSatisfy { $0.similarity >= 0.8 })
    // A longer chain A ~ B ~ C ~ D breaks: D does not resemble B.
    let long = Clustering(keep: .first, linkage: .center).clusters(
      canonical: [0, 1, 2, 3], edges: [Edge(0, 1, similarity: 0.9), Edge(1, 2, similarity: 0.9), Edge(2, 3, similarity: 0.9)],
      lengths: [1, 1, 1, 1]
    ) { a, b in abs(a - b) == 1 ? 0.9 : 0.2 }
    #expect(long.map { Set($0.members.map(\.document)) } == [[0, 1, 2]])
    let components = Clustering(keep: .first, linkage: .components).clusters(
      canonical: [0, 1, 2, 3], edges: [Edge(0, 1, similarity: 0.9), Edge(1, 2, similarity: 0.9), Edge(2, 3, similarity: 0.9)],
      lengths: [1, 1, 1, 1]
    ) { a, b in abs(a - b) == 1 ? 0.9 : 0.2 }
    #expect(components.map { Set($0.members.map(\.document)) } == [[0, 1, 2, 3]])
  }

  @Test("center linkage keeps identical copies with their text")
  func centerIdentical() {
    let clusters = Clustering(keep: .longest, linkage: .center).clusters(
      canonical: [0, 0, 2, 3], edges: [Edge(0, 2, similarity: 0.9)], lengths: [5, 5, 5, 5]
    ) { _, _ in 0.9 }
    #expect(clusters.map { Set($0.members.map(\.document)) } == [[0, 1, 2]])
  }
}
