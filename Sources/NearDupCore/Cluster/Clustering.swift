/// Which member of a cluster represents it (and survives deduplication).
public enum KeepPolicy: String, Sendable, CaseIterable, Codable {
  /// The member with the most tokens: the fullest copy of the story.
  case longest
  /// The member that comes first in the input.
  case first
  /// The member with the fewest tokens.
  case shortest
}

/// A group of near-duplicate documents.
///
/// - Invariant: `members[0]` is the representative with similarity 1; the other
///   members follow by decreasing similarity to it, then input order; `members.count
///   >= 1`.
public struct Cluster: Sendable, Equatable {
  /// One document of a cluster and its similarity to the representative.
  public struct Member: Sendable, Equatable {
    /// The document's number in input order.
    public var document: Int
    /// Its similarity to the representative (1 for the representative itself and
    /// for identical normalized text).
    public var similarity: Double
  }

  /// The members, representative first.
  public var members: [Member]

  /// The representative's document number.
  public var representative: Int { members[0].document }
  /// The number of members.
  public var size: Int { members.count }
}

/// Turns verified edges into clusters: identical normalized texts are grouped first,
/// then edges are merged with union-find, then each cluster gets a representative
/// and every member its similarity to it.
///
/// - Complexity: O(N + E α(N)) for the union-find over N documents and E edges, plus
///   O(Σ cluster size · s) for the similarities to representatives.
public struct Clustering: Sendable {
  /// How representatives are chosen.
  public var keep: KeepPolicy

  /// Creates a clustering with a keep policy.
  public init(keep: KeepPolicy) {
    self.keep = keep
  }

  /// Clusters of two or more documents, ordered by their smallest document number.
  ///
  /// - Parameters:
  ///   - canonical: For each document, the first document with identical normalized
  ///     text (itself if none), or `nil`-like `UInt32.max` for empty documents,
  ///     which never join a cluster.
  ///   - edges: Verified edges between canonical documents.
  ///   - lengths: Token counts, for the keep policy.
  ///   - similarity: The similarity of two canonical documents.
  /// - Returns: Clusters with representatives and member similarities.
  public func clusters(
    canonical: [UInt32], edges: [Edge], lengths: [UInt32], similarity: (Int, Int) -> Double
  ) -> [Cluster] {
    let count = canonical.count
    var sets = UnionFind(count: count)
    for document in 0..<count where canonical[document] != UInt32.max && Int(canonical[document]) != document {
      sets.union(document, Int(canonical[document]))
    }
    for edge in edges { sets.union(Int(edge.a), Int(edge.b)) }

    // Gather members per root, in document order.
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
    return groups.map { makeCluster($0, canonical: canonical, lengths: lengths, similarity: similarity) }
  }

  /// The representative of `documents` (in input order) under the keep policy;
  /// ties go to the earliest document.
  /// - Complexity: O(members).
  public func representative(of documents: [Int], lengths: [UInt32]) -> Int {
    switch keep {
    case .first: return documents[0]
    case .longest: return documents.max { lengths[$0] < lengths[$1] || (lengths[$0] == lengths[$1] && $0 > $1) }!
    case .shortest: return documents.min { lengths[$0] < lengths[$1] || (lengths[$0] == lengths[$1] && $0 < $1) }!
    }
  }

  private func makeCluster(
    _ documents: [Int], canonical: [UInt32], lengths: [UInt32], similarity: (Int, Int) -> Double
  ) -> Cluster {
    let representative = representative(of: documents, lengths: lengths)
    let representativeText = Int(canonical[representative])
    var others: [Cluster.Member] = []
    for document in documents where document != representative {
      let text = Int(canonical[document])
      let value = text == representativeText ? 1 : similarity(text, representativeText)
      others.append(Cluster.Member(document: document, similarity: value))
    }
    others.sort { $0.similarity != $1.similarity ? $0.similarity > $1.similarity : $0.document < $1.document }
    return Cluster(members: [Cluster.Member(document: representative, similarity: 1)] + others)
  }
}
