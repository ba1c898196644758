@testable import NearDupCore
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
    let clusters = Clustering(keep: .first).clusters(canonical: canonical, edges: edges, lengths: [1, 1, 1, 1]) {
      a, _ in
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
      canonical: [0, 1, 2, 3],
      edges: [Edge(0, 1, similarity: 0.9), Edge(1, 2, similarity: 0.9), Edge(2, 3, similarity: 0.9)],
      lengths: [1, 1, 1, 1]
    ) { a, b in abs(a - b) == 1 ? 0.9 : 0.2 }
    #expect(long.map { Set($0.members.map(\.document)) } == [[0, 1, 2]])
    let components = Clustering(keep: .first, linkage: .components).clusters(
      canonical: [0, 1, 2, 3],
      edges: [Edge(0, 1, similarity: 0.9), Edge(1, 2, similarity: 0.9), Edge(2, 3, similarity: 0.9)],
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

  /// A random corpus of `count` documents: empty ones, identical copies of earlier
  /// ones, and up to `edgeCount` edges between canonical documents with similarities
  /// from a few values (so that ties occur), lengths from a few values or up to
  /// `UInt32.max`.
  func randomGraph(_ count: Int, edgeCount: Int, seed: UInt64, longLengths: Bool)
    -> (canonical: [UInt32], edges: [Edge], lengths: [UInt32], similarity: [Set<Int>: Double])
  {
    var random = SplitMix64(seed: seed)
    var canonical: [UInt32] = []
    for document in 0..<count {
      switch random.next() % 10 {
      case 0: canonical.append(UInt32.max)
      case 1 where document > 0:
        let original = canonical[Int(random.next() % UInt64(document))]
        canonical.append(original == UInt32.max ? UInt32(document) : original)
      default: canonical.append(UInt32(document))
      }
    }
    let texts = canonical.indices.filter { canonical[$0] == UInt32($0) }
    var similarity: [Set<Int>: Double] = [:]
    var edges: [Edge] = []
    for _ in 0..<edgeCount {
      let a = texts[Int(random.next() % UInt64(texts.count))]
      let b = texts[Int(random.next() % UInt64(texts.count))]
      guard a != b, similarity[[a, b]] == nil else { continue }
      let value = [0.8, 0.85, 0.9][Int(random.next() % 3)]
      similarity[[a, b]] = value
      edges.append(Edge(a, b, similarity: value))
    }
    let lengths = (0..<count).map { _ in
      longLengths ? UInt32.max - UInt32(random.next() % 4) : UInt32(random.next() % 5)
    }
    return (canonical, edges, lengths, similarity)
  }

  /// Center linkage as its documentation states it, plainly.
  func referenceCenterClusters(
    canonical: [UInt32], edges: [Edge], lengths: [UInt32], keep: KeepPolicy
  ) -> [[Cluster.Member]] {
    var neighbours: [Int: [(Int, Double)]] = [:]
    for edge in edges {
      neighbours[Int(edge.a), default: []].append((Int(edge.b), edge.similarity))
      neighbours[Int(edge.b), default: []].append((Int(edge.a), edge.similarity))
    }
    func copies(_ text: Int) -> [Int] { canonical.indices.filter { $0 != text && canonical[$0] == UInt32(text) } }
    let texts = canonical.indices.filter {
      canonical[$0] == UInt32($0) && (neighbours[$0] != nil || !copies($0).isEmpty)
    }
    func rank(_ document: Int) -> Int {
      switch keep {
      case .longest: -Int(lengths[document])
      case .shortest: Int(lengths[document])
      case .first: 0
      }
    }
    let order = texts.sorted {
      (-(neighbours[$0]?.count ?? 0), rank($0), $0) < (-(neighbours[$1]?.count ?? 0), rank($1), $1)
    }
    var assigned = Set<Int>()
    var clusters: [[Cluster.Member]] = []
    for center in order where !assigned.contains(center) {
      assigned.insert(center)
      var similarity = [center: 1.0]
      for (neighbour, value) in neighbours[center] ?? [] where !assigned.contains(neighbour) {
        assigned.insert(neighbour)
        similarity[neighbour] = value
      }
      let documents = similarity.keys.flatMap { [$0] + copies($0) }
      guard documents.count > 1 else { continue }
      let others = documents.filter { $0 != center }.map {
        Cluster.Member(document: $0, similarity: similarity[Int(canonical[$0])]!)
      }
      let sortedOthers = others.sorted { x, y in
        x.similarity != y.similarity ? x.similarity > y.similarity : x.document < y.document
      }
      clusters.append([Cluster.Member(document: center, similarity: 1)] + sortedOthers)
    }
    return clusters.sorted { x, y in x.map(\.document).min()! < y.map(\.document).min()! }
  }

  @Test(
    "center linkage matches its plain statement, on any number of threads",
    arguments: KeepPolicy.allCases, [false, true])
  func centerMatchesReference(keep: KeepPolicy, longLengths: Bool) {
    for seed: UInt64 in 1...4 {
      let graph = randomGraph(300, edgeCount: 600, seed: seed, longLengths: longLengths)
      let expected = referenceCenterClusters(
        canonical: graph.canonical, edges: graph.edges, lengths: graph.lengths, keep: keep)
      #expect(expected.count > 20)
      for threads in [1, 2, 3] {
        let clusters = Clustering(keep: keep, linkage: .center).clusters(
          canonical: graph.canonical, edges: graph.edges, lengths: graph.lengths, threads: threads
        ) { _, _ in
          Issue.record("center linkage takes similarities from its edges")
          return 0
        }
        #expect(clusters.map(\.members) == expected)
      }
    }
  }

  @Test("components are the same on any number of threads", arguments: KeepPolicy.allCases)
  func componentsOnThreads(keep: KeepPolicy) {
    let graph = randomGraph(300, edgeCount: 100, seed: 9, longLengths: false)
    let clustering = Clustering(keep: keep, linkage: .components)
    let similarity = { (a: Int, b: Int) in a == b ? 1 : graph.similarity[[a, b]] ?? 0.5 }
    let one = clustering.clusters(
      canonical: graph.canonical, edges: graph.edges, lengths: graph.lengths, threads: 1, similarity: similarity)
    #expect(one.count > 10)
    // Each cluster is one connected component around the keep policy's representative.
    for cluster in one {
      let documents = cluster.members.map(\.document)
      #expect(cluster.representative == clustering.representative(of: documents.sorted(), lengths: graph.lengths))
    }
    for threads in [2, 3] {
      let many = clustering.clusters(
        canonical: graph.canonical, edges: graph.edges, lengths: graph.lengths, threads: threads, similarity: similarity
      )
      #expect(many == one)
    }
  }
}
