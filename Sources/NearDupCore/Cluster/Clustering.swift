/// Which member of a cluster represents it (and survives deduplication).
public enum KeepPolicy: String, Sendable, CaseIterable, Codable {
  /// The member with the most tokens: the fullest copy of the story.
  case longest
  /// The member that comes first in the input.
  case first
  /// The member with the fewest tokens.
  case shortest
}

/// How verified edges become clusters.
public enum Linkage: String, Sendable, CaseIterable, Codable {
  /// Connected components (single linkage): every chain of edges joins a cluster.
  /// Copies that each resemble a neighbour join even when the ends of the chain
  /// share little.
  case components
  /// Centers: documents are taken in a fixed order — most verified neighbours first,
  /// then by the keep policy, then input order; each document not yet in a cluster
  /// opens one as its representative, and its neighbours not yet in a cluster join
  /// it. Every member is then similar to its representative; no chains.
  case center
}

/// A group of near-duplicate documents, named by their numbers in input order
/// (`ClusterResult.id(of:)` gives their ids).
///
/// - Invariant: `members[0]` is the representative with similarity 1; the other
///   members follow by decreasing similarity to it, then input order; `members.count
///   >= 1`.
public struct Cluster: Sendable, Equatable {
  /// One document of a cluster and its similarity to the representative.
  public struct Member: Sendable, Equatable {
    /// The document's number in input order.
    public package(set) var document: Int
    /// Its similarity to the representative under the run's measure (1 for the
    /// representative itself and for identical normalized text).
    public package(set) var similarity: Double
  }

  /// The members, representative first.
  public package(set) var members: [Member]

  /// The representative's document number.
  public var representative: Int { members[0].document }
  /// The number of members.
  public var size: Int { members.count }
}

/// Turns verified edges into clusters: identical normalized texts are grouped first,
/// then the edges join documents by the linkage — connected components by union-find,
/// or center linkage, where every member is similar to its representative — then
/// each cluster gets a representative and every member its similarity to it.
///
/// - Complexity: O(N + E α(N)) for the union-find over N documents and E edges, plus
///   O(Σ cluster size · s) for the similarities to representatives.
package struct Clustering: Sendable {
  /// How representatives are chosen.
  package var keep: KeepPolicy
  /// How edges join documents.
  package var linkage: Linkage

  /// Creates a clustering with a keep policy and a linkage.
  package init(keep: KeepPolicy, linkage: Linkage = .components) {
    self.keep = keep
    self.linkage = linkage
  }

  /// Clusters of two or more documents, ordered by their smallest document number.
  ///
  /// - Parameters:
  ///   - canonical: For each document, the first document with identical normalized
  ///     text (itself if none), or `nil`-like `UInt32.max` for empty documents,
  ///     which never join a cluster.
  ///   - edges: Verified edges between canonical documents.
  ///   - lengths: Token counts, for the keep policy.
  ///   - threads: The largest number of threads that build the clusters once their
  ///     members are known; the result is the same for every number.
  ///   - similarity: The similarity of two canonical documents, for members of
  ///     connected components; center linkage takes its members' similarities from
  ///     their edges to the center. Called from several threads at once.
  /// - Returns: Clusters with representatives and member similarities.
  package func clusters(
    canonical: [UInt32], edges: [Edge], lengths: [UInt32], threads: Int = 1, similarity: (Int, Int) -> Double
  ) -> [Cluster] {
    switch linkage {
    case .components:
      componentClusters(canonical: canonical, edges: edges, lengths: lengths, threads: threads, similarity: similarity)
    case .center: centerClusters(canonical: canonical, edges: edges, lengths: lengths, threads: threads)
    }
  }

  private func componentClusters(
    canonical: [UInt32], edges: [Edge], lengths: [UInt32], threads: Int, similarity: (Int, Int) -> Double
  ) -> [Cluster] {
    let count = canonical.count
    var sets = UnionFind(count: count)
    for document in 0..<count where canonical[document] != UInt32.max && Int(canonical[document]) != document {
      sets.union(document, Int(canonical[document]))
    }
    for edge in edges { sets.union(Int(edge.a), Int(edge.b)) }

    // Gather members per root, in document order: groups come in the order of their
    // first documents.
    var groupOfRoot = [Int32](repeating: -1, count: count)
    var groups: [[Int]] = []
    for document in 0..<count where canonical[document] != UInt32.max {
      guard sets.setSize(of: document) > 1 else { continue }
      let root = sets.find(document)
      if groupOfRoot[root] < 0 {
        groupOfRoot[root] = Int32(groups.count)
        groups.append([])
      }
      groups[Int(groupOfRoot[root])].append(document)
    }
    return Self.build(groups.count, threads: threads) { group, _ in
      let documents = groups[group]
      let center = representative(of: documents, lengths: lengths)
      let centerText = Int(canonical[center])
      return makeCluster(documents, representative: center, canonical: canonical) { similarity($0, centerText) }
    }
  }

  /// Center linkage over the canonical documents, identical copies following their
  /// canonical document. A member's similarity to its center is the similarity of
  /// their verified edge. O(N + E + M) for the M documents with an edge or a copy
  /// (radix and counting sorts), with flat arrays throughout (no hashing, one
  /// allocation per cluster).
  private func centerClusters(canonical: [UInt32], edges: [Edge], lengths: [UInt32], threads: Int) -> [Cluster] {
    let count = canonical.count
    // Adjacency lists of the canonical documents (CSR).
    var degree = [Int](repeating: 0, count: count + 1)
    for edge in edges {
      degree[Int(edge.a) + 1] += 1
      degree[Int(edge.b) + 1] += 1
    }
    for index in 0..<count { degree[index + 1] += degree[index] }
    var neighbours = [UInt32](repeating: 0, count: 2 * edges.count)
    var neighbourSimilarities = [Double](repeating: 0, count: 2 * edges.count)
    var fill = degree
    for edge in edges {
      neighbours[fill[Int(edge.a)]] = edge.b
      neighbourSimilarities[fill[Int(edge.a)]] = edge.similarity
      fill[Int(edge.a)] += 1
      neighbours[fill[Int(edge.b)]] = edge.a
      neighbourSimilarities[fill[Int(edge.b)]] = edge.similarity
      fill[Int(edge.b)] += 1
    }
    // The identical copies of each canonical document, in document order (CSR).
    func isCopy(_ document: Int) -> Bool {
      canonical[document] != UInt32.max && Int(canonical[document]) != document
    }
    var copyStart = [Int](repeating: 0, count: count + 1)
    for document in 0..<count where isCopy(document) { copyStart[Int(canonical[document]) + 1] += 1 }
    for index in 0..<count { copyStart[index + 1] += copyStart[index] }
    var copies = [Int](repeating: 0, count: copyStart[count])
    fill = copyStart
    for document in 0..<count where isCopy(document) {
      let text = Int(canonical[document])
      copies[fill[text]] = document
      fill[text] += 1
    }
    // A canonical document without neighbours or copies never forms a cluster nor
    // joins one, wherever it comes in the order: only the others are ordered — most
    // neighbours first, then by the keep policy, then input order. A radix sort of
    // one key each, the length as the policy ranks it above the document number,
    // gives the last two; a stable counting sort by neighbour count, the first.
    var keys: [UInt64] = []
    var mostNeighbours = 0
    for document in 0..<count where canonical[document] != UInt32.max && Int(canonical[document]) == document {
      let neighbourCount = degree[document + 1] - degree[document]
      guard neighbourCount > 0 || copyStart[document + 1] > copyStart[document] else { continue }
      let lengthRank: UInt32 =
        switch keep {
        case .longest: ~lengths[document]
        case .shortest: lengths[document]
        case .first: 0
        }
      keys.append(UInt64(lengthRank) << 32 | UInt64(document))
      mostNeighbours = max(mostNeighbours, neighbourCount)
    }
    RadixSort.sort(&keys)
    var countStart = [Int](repeating: 0, count: mostNeighbours + 2)
    for key in keys {
      let document = Int(truncatingIfNeeded: key & 0xFFFF_FFFF)
      countStart[mostNeighbours - (degree[document + 1] - degree[document]) + 1] += 1
    }
    for index in 0...mostNeighbours { countStart[index + 1] += countStart[index] }
    var order = [Int](repeating: 0, count: keys.count)
    for key in keys {
      let document = Int(truncatingIfNeeded: key & 0xFFFF_FFFF)
      let bucket = mostNeighbours - (degree[document + 1] - degree[document])
      order[countStart[bucket]] = document
      countStart[bucket] += 1
    }
    // Each center in turn takes its neighbours not yet in a cluster. The members of
    // cluster c, center first, are members[memberStarts[c]..<memberStarts[c + 1]];
    // their identical copies join them when the clusters are built.
    var assigned = [Bool](repeating: false, count: count)
    // Set for each member of a cluster as it joins.
    var similarityToCenter = [Double](repeating: 0, count: count)
    var members: [Int] = []
    var memberStarts = [0]
    var firstDocuments: [Int] = []
    for center in order where !assigned[center] {
      assigned[center] = true
      let start = members.count
      members.append(center)
      var size = 1 + copyStart[center + 1] - copyStart[center]
      for slot in degree[center]..<degree[center + 1] {
        let neighbour = Int(neighbours[slot])
        if !assigned[neighbour] {
          assigned[neighbour] = true
          members.append(neighbour)
          similarityToCenter[neighbour] = neighbourSimilarities[slot]
          size += 1 + copyStart[neighbour + 1] - copyStart[neighbour]
        }
      }
      guard size > 1 else {
        members.removeLast()
        continue
      }
      memberStarts.append(members.count)
      // The cluster's first document is its smallest member: a copy comes after its
      // canonical document.
      firstDocuments.append(members[start...].min()!)
    }
    // The clusters by their first documents, which are distinct: each key holds a
    // cluster's first document above its number.
    var clusterOrder = firstDocuments.indices.map { UInt64(firstDocuments[$0]) << 32 | UInt64($0) }
    RadixSort.sort(&clusterOrder)
    return Self.build(clusterOrder.count, threads: threads) { index, documents in
      let cluster = Int(truncatingIfNeeded: clusterOrder[index] & 0xFFFF_FFFF)
      documents.removeAll(keepingCapacity: true)
      for member in members[memberStarts[cluster]..<memberStarts[cluster + 1]] {
        documents.append(member)
        documents.append(contentsOf: copies[copyStart[member]..<copyStart[member + 1]])
      }
      documents.sort()
      return makeCluster(
        documents, representative: members[memberStarts[cluster]], canonical: canonical
      ) { similarityToCenter[$0] }
    }
  }

  /// The clusters `make(index, scratch)` for indices `0..<count`, made in parallel
  /// chunks; `scratch` is a buffer of the chunk's own to reuse.
  /// - Complexity: O(count) besides the work of `make`.
  private static func build(
    _ count: Int, threads: Int, _ make: (_ index: Int, _ scratch: inout [Int]) -> Cluster
  ) -> [Cluster] {
    var clusters = [Cluster](repeating: Cluster(members: []), count: count)
    let chunkCount = min(count, 8 * max(1, threads))
    clusters.withUnsafeMutableBufferPointer { buffer in
      let output = DisjointRows(buffer)
      parallelForEach(chunkCount: chunkCount, threads: threads) { chunk in
        var scratch: [Int] = []
        for index in chunkRange(chunk, of: chunkCount, count: count) { output.base[index] = make(index, &scratch) }
      }
    }
    return clusters
  }

  /// The representative of `documents` (in input order) under the keep policy;
  /// ties go to the earliest document.
  /// - Complexity: O(members).
  package func representative(of documents: [Int], lengths: [UInt32]) -> Int {
    switch keep {
    case .first: return documents[0]
    case .longest: return documents.max { lengths[$0] < lengths[$1] || (lengths[$0] == lengths[$1] && $0 > $1) }!
    case .shortest: return documents.min { lengths[$0] < lengths[$1] || (lengths[$0] == lengths[$1] && $0 < $1) }!
    }
  }

  /// The cluster of `documents` around `representative`; `similarityToRepresentative`
  /// gives the similarity of a canonical document (other than the representative's
  /// own text) to the representative's text.
  private func makeCluster(
    _ documents: [Int], representative: Int, canonical: [UInt32], similarityToRepresentative: (Int) -> Double
  ) -> Cluster {
    let representativeText = Int(canonical[representative])
    var members: [Cluster.Member] = []
    members.reserveCapacity(documents.count)
    members.append(Cluster.Member(document: representative, similarity: 1))
    for document in documents where document != representative {
      let text = Int(canonical[document])
      let value = text == representativeText ? 1 : similarityToRepresentative(text)
      members.append(Cluster.Member(document: document, similarity: value))
    }
    members[1...].sort { $0.similarity != $1.similarity ? $0.similarity > $1.similarity : $0.document < $1.document }
    return Cluster(members: members)
  }
}
