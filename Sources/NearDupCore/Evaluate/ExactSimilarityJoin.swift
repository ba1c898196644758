/// Every pair of documents whose exact similarity reaches a threshold, found without
/// comparing all pairs: the ground truth against which LSH output is measured.
///
/// An all-pairs similarity join with prefix filtering (Chaudhuri, Ganti & Kaushik,
/// ICDE 2006; Bayardo, Ma & Srikant, WWW 2007): fingerprints are renumbered by
/// increasing corpus frequency, so every set lists its rarest fingerprints first. If
/// the smaller set x of a pair shares at least ⌈t·|x|⌉ fingerprints with y (which both
/// Jaccard ≥ t and containment ≥ t require), then any |x| − ⌈t·|x|⌉ + 1 fingerprints
/// of x include one of y; so probing an inverted index of all sets with the rare
/// prefix of x finds every partner y. Each candidate is then verified exactly.
///
/// - Complexity: O(S log S) to renumber S fingerprint occurrences, plus the sum over
///   documents of the posting-list lengths of their prefixes, plus O(s) per verified
///   candidate. Memory O(S).
package struct ExactSimilarityJoin: Sendable {
  /// The measure.
  package let measure: SimilarityMeasure
  /// The smallest similarity reported.
  package let threshold: Double

  /// Creates a join.
  /// - Precondition: `0 < threshold <= 1`.
  package init(measure: SimilarityMeasure, threshold: Double) {
    precondition(threshold > 0 && threshold <= 1, "threshold \(threshold) is outside (0, 1]")
    self.measure = measure
    self.threshold = threshold
  }

  /// All pairs among `documents` (default: every document with at least one
  /// fingerprint) with similarity ≥ `threshold`, sorted by (a, b).
  /// - Parameters:
  ///   - store: The documents' fingerprint sets.
  ///   - documents: The documents that take part, or nil for all non-empty ones.
  ///   - threads: The largest number of threads.
  package func pairs<Element>(in store: FingerprintStore<Element>, among documents: [Int]? = nil, threads: Int = 1)
    -> [Edge]
  {
    let members = documents ?? (0..<store.count).filter { store.size(of: $0) > 0 }
    // Every set as ranks (rarest fingerprint first), and a CSR inverted index.
    var (ranks, rankOffsets, rankCount) = Self.frequencyRanks(store, members)
    for slot in 0..<members.count { ranks[rankOffsets[slot]..<rankOffsets[slot + 1]].sort() }
    var postingCounts = [Int](repeating: 0, count: rankCount + 1)
    for rank in ranks { postingCounts[Int(rank) + 1] += 1 }
    for rank in 0..<rankCount { postingCounts[rank + 1] += postingCounts[rank] }
    var postings = [UInt32](repeating: 0, count: ranks.count)
    var fill = postingCounts
    for slot in 0..<members.count {
      for rank in ranks[rankOffsets[slot]..<rankOffsets[slot + 1]] {
        postings[fill[Int(rank)]] = UInt32(slot)
        fill[Int(rank)] += 1
      }
    }
    fill = []

    // Probe: for each x, partners y that are at least as large (ties: earlier slot).
    let sizes = members.map { store.size(of: $0) }
    let chunkCount = max(1, min(64, members.count / 256))
    var chunkPairs = [[Edge]](repeating: [], count: chunkCount)
    chunkPairs.withUnsafeMutableBufferPointer { chunkBuffer in
      let output = DisjointRows(chunkBuffer)
      store.withSets { sets in
        parallelForEach(chunkCount: chunkCount, threads: threads) { chunk in
          var seen = [Int32](repeating: -1, count: members.count)
          var found: [Edge] = []
          for x in chunkRange(chunk, of: chunkCount, count: members.count) {
            let size = sizes[x]
            let prefix = size - minimumOverlap(size: size) + 1
            for rank in ranks[rankOffsets[x]..<rankOffsets[x] + prefix] {
              for posting in postings[postingCounts[Int(rank)]..<postingCounts[Int(rank) + 1]] {
                let y = Int(posting)
                guard y != x, sizes[y] > size || (sizes[y] == size && y < x), seen[y] != Int32(x) else { continue }
                seen[y] = Int32(x)
                if measure == .jaccard && Double(size) < threshold * Double(sizes[y]) { continue }
                let a = members[x]
                let b = members[y]
                let similarity = FingerprintSet.similarity(sets[a], sets[b], measure: measure)
                if similarity >= threshold { found.append(Edge(a, b, similarity: similarity)) }
              }
            }
          }
          output.base[chunk] = found
        }
      }
    }
    return chunkPairs.flatMap { $0 }.sorted { ($0.a, $0.b) < ($1.a, $1.b) }
  }

  /// Renumbers the values of the member sets by increasing corpus frequency (ties by
  /// value): the rank of every occurrence, member after member, with each member's
  /// offsets, and the number of distinct values. 32-bit values are ranked by one
  /// radix sort of (value, occurrence) pairs; wider ones through a hash map.
  /// - Complexity: O(S) for S occurrences with 32-bit values, O(S) expected otherwise.
  static func frequencyRanks<Element>(_ store: FingerprintStore<Element>, _ members: [Int]) -> ([UInt32], [Int], Int) {
    var offsets = [Int](repeating: 0, count: members.count + 1)
    for (slot, document) in members.enumerated() { offsets[slot + 1] = offsets[slot] + store.size(of: document) }
    let total = offsets[members.count]
    var ranks = [UInt32](repeating: 0, count: total)
    if Element.bitWidth <= 32 && total < Int(UInt32.max) {
      // Sort (value, occurrence) pairs; equal values become runs.
      var packed = [UInt64]()
      packed.reserveCapacity(total)
      for (slot, document) in members.enumerated() {
        var occurrence = offsets[slot]
        for value in store.values[store.offsets[document]..<store.offsets[document + 1]] {
          packed.append(UInt64(truncatingIfNeeded: value) << 32 | UInt64(occurrence))
          occurrence += 1
        }
      }
      RadixSort.sort(&packed)
      var uniqueOfOccurrence = [UInt32](repeating: 0, count: total)
      var counts: [UInt32] = []
      var index = 0
      while index < total {
        let value = packed[index] >> 32
        var end = index
        while end < total && packed[end] >> 32 == value {
          uniqueOfOccurrence[Int(packed[end] & 0xFFFF_FFFF)] = UInt32(counts.count)
          end += 1
        }
        counts.append(UInt32(end - index))
        index = end
      }
      packed = []
      // Unique values are in value order; a stable counting sort by count ranks them.
      let maximum = Int(counts.max() ?? 0)
      var start = [Int](repeating: 0, count: maximum + 2)
      for count in counts { start[Int(count) + 1] += 1 }
      for count in 0...maximum { start[count + 1] += start[count] }
      var rankOfUnique = [UInt32](repeating: 0, count: counts.count)
      for (unique, count) in counts.enumerated() {
        rankOfUnique[unique] = UInt32(start[Int(count)])
        start[Int(count)] += 1
      }
      for occurrence in 0..<total { ranks[occurrence] = rankOfUnique[Int(uniqueOfOccurrence[occurrence])] }
      return (ranks, offsets, counts.count)
    }
    var frequency: [Element: UInt32] = [:]
    for document in members {
      for value in store.values[store.offsets[document]..<store.offsets[document + 1]] {
        frequency[value, default: 0] += 1
      }
    }
    let ordered = frequency.sorted { $0.value != $1.value ? $0.value < $1.value : $0.key < $1.key }
    var rankOf: [Element: UInt32] = [:]
    rankOf.reserveCapacity(ordered.count)
    for (rank, entry) in ordered.enumerated() { rankOf[entry.key] = UInt32(rank) }
    for (slot, document) in members.enumerated() {
      var occurrence = offsets[slot]
      for value in store.values[store.offsets[document]..<store.offsets[document + 1]] {
        ranks[occurrence] = rankOf[value]!
        occurrence += 1
      }
    }
    return (ranks, offsets, ordered.count)
  }

  /// The fewest shared fingerprints m with which a set of `size` can reach the
  /// threshold: the least m ≥ 1 with m / size ≥ t, computed in the same floating
  /// point as the similarity itself (both measures divide the overlap by at least
  /// `size`, so neither can pass with less).
  /// - Complexity: O(1).
  func minimumOverlap(size: Int) -> Int {
    var overlap = max(1, Int((threshold * Double(size)).rounded(.up)))
    while overlap > 1 && Double(overlap - 1) / Double(size) >= threshold { overlap -= 1 }
    while overlap < size && Double(overlap) / Double(size) < threshold { overlap += 1 }
    return overlap
  }
}
