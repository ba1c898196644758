/// Finds candidate pairs by LSH banding: documents whose signatures agree on every
/// slot of at least one band.
///
/// For each band (bands run in parallel), every document's band key — XXH3-64 of the
/// band's r slot values, or the slot value itself for a band of one row — is paired
/// with its document number, and the pairs are sorted; documents with equal keys (a bucket) then sit next to each other. This
/// replaces a hash map of buckets with one flat sort: below 2^24 documents a pair is
/// one `UInt64` (the key's 40 high bits, the document's 24) sorted by radix sort; a
/// 40-bit key collision only adds a candidate, which verification rejects.
///
/// A bucket of m documents yields all m(m−1)/2 pairs while m is at most
/// `largeBucketSize`. A larger bucket (thousands of near-identical pages, or a
/// site template) yields only the pairs of each document with the next
/// `largeBucketWindow` documents of the bucket: O(m·w) candidates rather than O(m²),
/// so 10,000 copies of one page cost O(m log m) for the sort and O(m) after it.
/// Because every bucket member is linked to its neighbours and clusters form by
/// transitive closure, a large bucket of true near-duplicates still ends up in one
/// cluster; only pairs that are never adjacent in any band go unlisted.
///
/// Size-gap bandings serve containment across documents of very different sizes
/// (after LSH Ensemble, Zhu et al., VLDB 2016): documents fall into size classes
/// ⌊log₂ s⌋ of their shingle counts, and a pair whose classes differ by g — sizes up
/// to 2^(g+1) apart, so Jaccard similarity as low as t / (1 + 2^(g+1) − t) at
/// containment t — is found by a banding designed for that Jaccard similarity, which
/// only pairs documents exactly g classes apart. No all-pairs step is ever needed.
/// Such a band first drops the documents whose key no document of a class g apart
/// shares (most buckets hold copies of one size), so a large bucket's windows run
/// over the documents that can pair.
/// With 128 slots the expected recall at the target stays above 0.95 up to gap 4
/// (sizes 32 times apart) and is 0.8 at gap 5 (64 times).
///
/// - Complexity: O(b · (N log N + C)) for N documents, b bands (over all bandings)
///   and C candidates emitted, plus O(C log C) to merge the bands' candidates.
package struct CandidateGenerator: Sendable {
  /// The banding for all pairs.
  package let lsh: LSHParameters
  /// Extra bandings for pairs of documents whose size classes differ by `gap`.
  package var gapBandings: [(gap: Int, lsh: LSHParameters)] = []
  /// The largest bucket that yields all of its pairs.
  package var largeBucketSize = 256
  /// In a larger bucket, the number of following members each member is paired with.
  package var largeBucketWindow = 32
  /// Whether the bands read the signatures from a column-major copy (true) or the
  /// row-major matrix (false); nil chooses by the memory each way moves (tests
  /// compare the two).
  var readsColumns: Bool?

  /// Creates a generator for `lsh`.
  package init(lsh: LSHParameters) {
    self.lsh = lsh
  }

  /// The size-gap bandings for containment threshold `threshold` with
  /// `permutationCount` slots, for class gaps 1...`maximumGap`: gap g aims at Jaccard
  /// t / (1 + 2^(g+1) − t).
  package static func containmentGapBandings(threshold: Double, permutationCount: Int, maximumGap: Int = 5)
    -> [(gap: Int, lsh: LSHParameters)]
  {
    (1...max(1, maximumGap)).map { gap in
      let ratio = Double(1 << (gap + 1))
      return (
        gap, LSHParameters.optimal(threshold: threshold / (1 + ratio - threshold), permutationCount: permutationCount)
      )
    }
  }

  /// The size class of a document with `shingleCount` shingles: ⌊log₂ s⌋.
  package static func sizeClass(_ shingleCount: UInt32) -> UInt8 {
    UInt8(31 - max(1, shingleCount).leadingZeroBitCount)
  }

  /// The distinct candidate pairs among `documents`, as packed `UInt64`s with the
  /// smaller document number in the high 32 bits, sorted ascending.
  ///
  /// - Parameters:
  ///   - signatures: All documents' signatures.
  ///   - documents: The document numbers that take part, ascending.
  ///   - threads: The largest number of threads to use.
  /// - Returns: Packed pairs `a << 32 | b` with a < b, sorted, without repeats; the
  ///   same for every thread count.
  package func candidates(
    in signatures: SignatureMatrix, among documents: [UInt32], threads: Int, shingleCounts: [UInt32]? = nil
  ) -> [UInt64] {
    precondition(gapBandings.isEmpty || shingleCounts != nil, "size-gap bandings need the documents' shingle counts")
    let k = signatures.permutationCount
    // One task per distinct band: bandings with the same rows share their first
    // bands (the same slots give the same keys), so a task serves every banding that
    // has it, with the union of their pair filters.
    // A task's gaps are a bit set: bit g stands for class gap g.
    var tasks: [(lsh: LSHParameters, band: Int, all: Bool, gaps: UInt64)] = (0..<lsh.bands).map { (lsh, $0, true, 0) }
    for (gap, banding) in gapBandings {
      precondition(gap >= 1 && gap < 64, "size-class gaps lie in 1..<64")
      for band in 0..<banding.bands {
        if let task = tasks.firstIndex(where: { $0.lsh.rows == banding.rows && $0.band == band }) {
          tasks[task].gaps |= 1 << gap
        } else {
          tasks.append((banding, band, false, 1 << gap))
        }
      }
    }
    let classes = shingleCounts.map { counts in counts.map(Self.sizeClass) } ?? []
    var perBand = [[UInt64]](repeating: [], count: tasks.count)
    let packs = (documents.last ?? 0) < Self.packedDocumentLimit
    // A pass per task over the row-major matrix pulls about one 64-byte line of every
    // row (the size-gap bandings use one slot of it). With many tasks it is cheaper
    // to copy the used slots column by column first (each row read once, each slot
    // written and read back once) and let each task read its columns in order: when
    // the tasks' lines outweigh the row and the copy, per document.
    let usedSlots = tasks.reduce(0) { max($0, ($1.band + 1) * $1.lsh.rows) }
    let slotBytes = MemoryLayout<UInt32>.stride
    let columnsPay = tasks.count * 64 > k * slotBytes + 2 * usedSlots * slotBytes
    let columns =
      packs && (readsColumns ?? columnsPay)
      ? signatures.withRows { Self.columns(of: $0, k: k, slots: usedSlots, documents: documents, threads: threads) }
      : nil
    perBand.withUnsafeMutableBufferPointer { perBandBuffer in
      let output = DisjointRows(perBandBuffer)
      signatures.withRows { rows in
        parallelForEach(chunkCount: tasks.count, threads: threads) { task in
          let (banding, band, all, gaps) = tasks[task]
          func keep(_ a: UInt32, _ b: UInt32) -> Bool {
            if all { return true }
            let (x, y) = (classes[Int(a)], classes[Int(b)])
            return gaps & (1 << (x > y ? x - y : y - x)) != 0
          }
          if packs {
            // (key, 24-bit document), radix-sorted on the key bits. A band of one row
            // (the size-gap bandings) keys on its slot itself, 32 uniform bits that
            // need no hashing and sort on 32 bits instead of 40; wider bands on the 40
            // high bits of their band key.
            let slotKey = banding.rows == 1
            let keyMask = slotKey ? ~0 << 32 : ~Self.packedDocumentMask
            var entries = [UInt64]()
            entries.reserveCapacity(documents.count)
            let firstSlot = slotKey ? band : band * banding.rows
            if let columns {
              // The band's columns, read in order.
              columns.withUnsafeBufferPointer { columns in
                let count = documents.count
                if slotKey {
                  let column = columns.baseAddress! + firstSlot * count
                  for (position, document) in documents.enumerated() {
                    entries.append(UInt64(column[position]) << 32 & keyMask | UInt64(document))
                  }
                } else {
                  withUnsafeTemporaryAllocation(of: UInt32.self, capacity: banding.rows) { slots in
                    for (position, document) in documents.enumerated() {
                      for row in 0..<banding.rows { slots[row] = columns[(firstSlot + row) * count + position] }
                      let key = banding.bandKey(UnsafeBufferPointer(slots), band: 0, seed: UInt64(band))
                      entries.append(key & keyMask | UInt64(document))
                    }
                  }
                }
              }
            } else {
              // Rows lie 4k bytes apart (512 with 128 slots), a stride the hardware
              // prefetcher loses at every page: the band's slots of the document
              // `prefetchDistance` ahead are requested early.
              for (position, document) in documents.enumerated() {
                if position &+ Self.prefetchDistance < documents.count {
                  let ahead = Int(documents[position &+ Self.prefetchDistance]) &* k &+ firstSlot
                  Prefetch.line(UnsafeRawPointer(rows.baseAddress!.advanced(by: ahead)))
                }
                let row = UnsafeBufferPointer(rebasing: rows[Int(document) * k..<(Int(document) + 1) * k])
                let key = slotKey ? UInt64(row[band]) << 32 : banding.bandKey(row, band: band)
                entries.append(key & keyMask | UInt64(document))
              }
            }
            // Most keys of a band belong to one document: those entries go before the
            // sort. Entries come in document order, the filter keeps their order and
            // the sort is stable: sorting by the key bits alone leaves the documents of
            // a key ascending.
            if entries.count > Self.uniqueKeyFilterMinimum { Self.removeUniqueKeys(&entries, keyMask: keyMask) }
            if !all { Self.removeEntriesWithoutPartnerClass(&entries, keyMask: keyMask, classes: classes, gaps: gaps) }
            RadixSort.sort(&entries, skippingLowBits: keyMask.trailingZeroBitCount)
            output.base[task] = pairs(
              inSortedCount: entries.count, key: { entries[$0] & keyMask },
              document: { UInt32(truncatingIfNeeded: entries[$0] & Self.packedDocumentMask) }, keep: keep)
          } else {
            var entries = [BandEntry]()
            entries.reserveCapacity(documents.count)
            for document in documents {
              let row = UnsafeBufferPointer(rebasing: rows[Int(document) * k..<(Int(document) + 1) * k])
              entries.append(BandEntry(key: banding.bandKey(row, band: band), document: document))
            }
            entries.sort()
            output.base[task] = pairs(
              inSortedCount: entries.count, key: { entries[$0].key }, document: { entries[$0].document }, keep: keep)
          }
        }
      }
    }
    return Self.merge(perBand, documentLimit: Int(documents.last ?? 0) + 1, threads: threads)
  }

  /// The sorted, distinct union of the bands' pairs. The pairs are split by their
  /// first document into ranges, each range gathered from every band, sorted and
  /// deduplicated on its own — ranges in parallel — and the ranges' distinct pairs
  /// closed up in order. A pair turns up in several bands (five times on average on
  /// the synthetic corpus), so this is a large sort, tens of millions of pairs at a
  /// million documents: on one thread it would dominate the candidate stage.
  /// - Complexity: O(P) time for P pairs in all (radix sort), O(P) extra memory.
  static func merge(_ perBand: [[UInt64]], documentLimit: Int, threads: Int) -> [UInt64] {
    let rangeCount = threads <= 1 ? 1 : 8 * threads
    // The range of pair `a << 32 | b`: a · rangeCount / documentLimit.
    @inline(__always) func range(_ pair: UInt64) -> Int { Int(pair >> 32) &* rangeCount / documentLimit }
    // counts[band · rangeCount + r]: the pairs of range r in a band, then where the
    // band writes them.
    var counts = [Int](repeating: 0, count: perBand.count * rangeCount)
    counts.withUnsafeMutableBufferPointer { counts in
      let output = DisjointRows(counts)
      parallelForEach(chunkCount: perBand.count, threads: threads) { band in
        for pair in perBand[band] { output.base[band &* rangeCount &+ range(pair)] &+= 1 }
      }
    }
    // Range r is merged[starts[r]..<starts[r + 1]], its pairs band after band.
    var starts = [0]
    for rangeIndex in 0..<rangeCount {
      var offset = starts[rangeIndex]
      for band in perBand.indices {
        let count = counts[band * rangeCount + rangeIndex]
        counts[band * rangeCount + rangeIndex] = offset
        offset += count
      }
      starts.append(offset)
    }
    let total = starts[rangeCount]
    var merged = [UInt64](unsafeUninitializedCapacity: total) { _, initialized in initialized = total }
    var distinct = [Int](repeating: 0, count: rangeCount)
    merged.withUnsafeMutableBufferPointer { merged in
      let target = DisjointRows(merged)
      parallelForEach(chunkCount: perBand.count, threads: threads) { band in
        var offsets = Array(counts[band * rangeCount..<(band + 1) * rangeCount])
        for pair in perBand[band] {
          let rangeIndex = range(pair)
          target.base[offsets[rangeIndex]] = pair
          offsets[rangeIndex] &+= 1
        }
      }
      distinct.withUnsafeMutableBufferPointer { distinct in
        let output = DisjointRows(distinct)
        parallelForEach(chunkCount: rangeCount, threads: threads) { rangeIndex in
          let part = UnsafeMutableBufferPointer(rebasing: target.base[starts[rangeIndex]..<starts[rangeIndex + 1]])
          output.base[rangeIndex] = RadixSort.sortAndRemoveDuplicates(part)
        }
      }
      // Close up: each range's distinct pairs follow the previous range's.
      var write = 0
      for rangeIndex in 0..<rangeCount {
        let start = starts[rangeIndex]
        if write != start {
          (merged.baseAddress! + write).update(from: merged.baseAddress! + start, count: distinct[rangeIndex])
        }
        write += distinct[rangeIndex]
      }
    }
    merged.removeLast(total - distinct.reduce(0, +))
    return merged
  }

  /// Bands of more entries than this drop the entries of unique keys before sorting.
  static let uniqueKeyFilterMinimum = 4096

  /// Removes the entries whose key (the bits of `keyMask`) no other entry has, which
  /// cannot pair, and keeps the rest in order. One pass marks each key's bit in a
  /// table of 8 to 16 bits per entry, and the bit in a second table when it was
  /// already marked; a second pass keeps the entries whose bit is marked twice: every
  /// entry of a repeated key, and the unique keys that share a bit with another
  /// (about one in ten). Most documents have no near-duplicate, so most entries go,
  /// and the sort that follows shrinks accordingly.
  /// - Complexity: O(n) time and O(n) bits of scratch for n entries.
  static func removeUniqueKeys(_ entries: inout [UInt64], keyMask: UInt64) {
    let count = entries.count
    guard count > 1 else { return entries.removeAll() }
    let tableBits = max(6, Int.bitWidth - (8 &* count &- 1).leadingZeroBitCount)
    var seen = [UInt64](repeating: 0, count: 1 << (tableBits - 6))
    var repeated = seen
    let kept = entries.withUnsafeMutableBufferPointer { entries in
      seen.withUnsafeMutableBufferPointer { seen in
        repeated.withUnsafeMutableBufferPointer { repeated in
          @inline(__always) func bit(_ entry: UInt64) -> Int { keySlot(entry, keyMask: keyMask, tableBits: tableBits) }
          for entry in entries {
            let bit = bit(entry)
            let mask: UInt64 = 1 &<< UInt64(bit & 63)
            repeated[bit &>> 6] |= seen[bit &>> 6] & mask
            seen[bit &>> 6] |= mask
          }
          var kept = 0
          for index in 0..<count {
            let entry = entries[index]
            let bit = bit(entry)
            entries[kept] = entry
            kept &+= Int(truncatingIfNeeded: (repeated[bit &>> 6] &>> UInt64(bit & 63)) & 1)
          }
          return kept
        }
      }
    }
    entries.removeLast(count - kept)
  }

  /// Removes, from a band that keeps only pairs of size classes `gaps` apart (bit g
  /// for gap g), the entries whose key no entry of a class at such a gap shares, and
  /// keeps the rest in order. One pass ORs each entry's class bit into a table slot
  /// of its key (about two slots per entry); a second keeps the entries whose slot
  /// holds a class at a wanted gap from their own. Slots shared by several keys only
  /// keep more, never fewer, so every pair the band keeps survives. Most buckets of a
  /// size-gap band are copies of one story, all of one size class: they go before
  /// the sort instead of being sorted and paired for nothing.
  /// - Complexity: O(n) time and O(n) words of scratch for n entries.
  static func removeEntriesWithoutPartnerClass(
    _ entries: inout [UInt64], keyMask: UInt64, classes: [UInt8], gaps: UInt64
  ) {
    let count = entries.count
    guard count > 1 else { return entries.removeAll() }
    // partners[c]: the classes a document of class c may pair with.
    var partners = [UInt32](repeating: 0, count: 32)
    for own in 0..<32 {
      for gap in 1..<32 where gaps & (1 << UInt64(gap)) != 0 {
        if own + gap < 32 { partners[own] |= 1 << UInt32(own + gap) }
        if own >= gap { partners[own] |= 1 << UInt32(own - gap) }
      }
    }
    let tableBits = max(6, Int.bitWidth - (2 &* count &- 1).leadingZeroBitCount)
    var slots = [UInt32](repeating: 0, count: 1 << tableBits)
    let kept = entries.withUnsafeMutableBufferPointer { entries in
      slots.withUnsafeMutableBufferPointer { slots in
        classes.withUnsafeBufferPointer { classes in
          partners.withUnsafeBufferPointer { partners in
            @inline(__always) func slot(_ entry: UInt64) -> Int {
              keySlot(entry, keyMask: keyMask, tableBits: tableBits)
            }
            @inline(__always) func sizeClass(_ entry: UInt64) -> Int {
              Int(classes[Int(truncatingIfNeeded: entry & packedDocumentMask)])
            }
            for entry in entries { slots[slot(entry)] |= 1 &<< UInt32(sizeClass(entry)) }
            var kept = 0
            for index in 0..<count {
              let entry = entries[index]
              entries[kept] = entry
              kept &+= slots[slot(entry)] & partners[sizeClass(entry)] != 0 ? 1 : 0
            }
            return kept
          }
        }
      }
    }
    entries.removeLast(count - kept)
  }

  /// The slot of an entry's key (the bits of `keyMask`) in a table of 2^`tableBits`
  /// slots: a multiplicative hash of the key bits, since slot keys (the one-row
  /// bandings) are minima, crowded toward small values.
  @inline(__always)
  static func keySlot(_ entry: UInt64, keyMask: UInt64, tableBits: Int) -> Int {
    Int(truncatingIfNeeded: ((entry & keyMask) &* 0x9E37_79B9_7F4A_7C15) &>> UInt64(64 - tableBits))
  }

  /// The first `slots` slots of the signatures of `documents`, column by column:
  /// slot s of `documents[p]` at `s · documents.count + p`. Documents are split
  /// into chunks copied in parallel; each chunk reads its rows in order and writes
  /// one run per column.
  /// - Complexity: O(slots · documents.count) time and memory.
  static func columns(of rows: UnsafeBufferPointer<UInt32>, k: Int, slots: Int, documents: [UInt32], threads: Int)
    -> [UInt32]
  {
    let count = documents.count
    let total = slots * count
    var columns = [UInt32](unsafeUninitializedCapacity: total) { _, initialized in initialized = total }
    columns.withUnsafeMutableBufferPointer { columns in
      let target = DisjointRows(columns)
      let chunkCount = max(1, min(count / 1024, 16 * threads))
      parallelForEach(chunkCount: chunkCount, threads: threads) { chunk in
        let out = target.base.baseAddress!
        for position in chunkRange(chunk, of: chunkCount, count: count) {
          let row = rows.baseAddress! + Int(documents[position]) &* k
          for slot in 0..<slots { out[slot &* count &+ position] = row[slot] }
        }
      }
    }
    return columns
  }

  /// How many documents ahead band entries prefetch their slots.
  static let prefetchDistance = 16

  /// Documents below this are packed with 40-bit band keys into one `UInt64`.
  static let packedDocumentLimit: UInt32 = 1 << 24
  static let packedDocumentMask: UInt64 = (1 << 24) - 1

  /// The candidate pairs of one band's entries, sorted by key then document.
  @inline(__always)
  private func pairs(
    inSortedCount count: Int, key: (Int) -> UInt64, document: (Int) -> UInt32, keep: (UInt32, UInt32) -> Bool
  ) -> [UInt64] {
    var pairs: [UInt64] = []
    var start = 0
    while start < count {
      let startKey = key(start)
      var end = start + 1
      while end < count && key(end) == startKey { end += 1 }
      let size = end - start
      if size > 1 {
        let window = size <= largeBucketSize ? size : largeBucketWindow
        for i in start..<end {
          let first = document(i)
          for j in (i + 1)..<min(end, i + 1 + window) {
            let second = document(j)
            if keep(first, second) { pairs.append(UInt64(first) << 32 | UInt64(second)) }
          }
        }
      }
      start = end
    }
    return pairs
  }
}

extension LSHParameters {
  /// The band key of slots `band·r ..< (band+1)·r` of a signature: XXH3-64 of their
  /// little-endian bytes, seeded with the band number. Equal keys in one band mean
  /// (up to a 2^-64 collision) equal slots.
  /// - Complexity: O(r).
  @inlinable
  package func bandKey(_ signature: UnsafeBufferPointer<UInt32>, band: Int) -> UInt64 {
    bandKey(signature, band: band, seed: UInt64(band))
  }

  /// XXH3-64, seeded with `seed`, of the slots of band `band` of `signature`: the
  /// key of band `seed` when `signature` holds that band's slots alone (band 0).
  @usableFromInline @inline(__always)
  func bandKey(_ signature: UnsafeBufferPointer<UInt32>, band: Int, seed: UInt64) -> UInt64 {
    let start = band * rows
    return XXH3.hash(littleEndianSlots: UnsafeBufferPointer(rebasing: signature[start..<start + rows]), seed: seed)
  }
}

/// One document's key in one band; sorts by key, then document.
struct BandEntry: Comparable {
  var key: UInt64
  var document: UInt32

  static func < (lhs: BandEntry, rhs: BandEntry) -> Bool {
    lhs.key != rhs.key ? lhs.key < rhs.key : lhs.document < rhs.document
  }
}
