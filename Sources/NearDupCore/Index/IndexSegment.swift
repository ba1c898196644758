#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif
import Synchronization

/// The sections of a segment file.
enum SectionKind: UInt32, CaseIterable {
  case idOffsets = 1, idBytes, previewOffsets, previewBytes, tokenCounts, shingleCounts, contentKeys, signatures,
    fingerprintOffsets, fingerprints, bandKeys, bandDocuments, idHashes, idHashDocuments
}

/// One immutable segment of an index: a memory-mapped file holding the ids, previews,
/// sizes, signatures, fingerprint sets and band tables of a set of documents.
///
/// Opening checks the header, the section table and the block-checksum table, so it
/// costs O(sections + blocks) and reads a few pages, whatever the size of the
/// segment. Every other byte is checked when first read: each 64 KiB block has an
/// XXH3-64 checksum, and an accessor verifies the blocks it touches once, so a query
/// reads (and verifies) only the pages it needs, and a damaged block raises
/// `IndexFileError.corrupt` instead of a wrong answer.
///
/// Band tables are per band: the band keys of all documents sorted ascending, with
/// the matching document numbers beside them, searched by binary search.
///
/// - Invariant: the mapping stays valid for the life of the object, even after the
///   file is replaced or removed by a writer (readers keep a consistent view).
package final class IndexSegment: @unchecked Sendable {
  /// The file's path.
  package let path: String
  /// The file's name within the index directory.
  package let name: String
  /// Documents in this segment (tombstoned ones included).
  package let documentCount: Int
  /// The parameters it was built with.
  package let parameters: IndexParameters
  /// XXH3-64 of the header; the manifest records it to pair each name with its content.
  package let headerChecksum: UInt64
  /// The file size in bytes.
  package var byteCount: Int { mapping.count }

  private let mapping: UnsafeRawBufferPointer
  private let sections: [SectionKind: Range<Int>]
  private let dataStart: Int
  private let checksumTable: Range<Int>
  private let verifiedBlocks: [VerifiedBits]

  // MARK: Opening

  /// Maps and checks the segment at `path`.
  /// - Throws: `IndexFileError` for a missing, foreign, newer, truncated or corrupt file.
  package init(path: String, name: String) throws(IndexFileError) {
    self.path = path
    self.name = name
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else {
      if errno == ENOENT { throw .missing(path: path) }
      throw .io(path: path, reason: String(cString: strerror(errno)))
    }
    defer { close(descriptor) }
    var status = stat()
    guard fstat(descriptor, &status) == 0 else { throw .io(path: path, reason: String(cString: strerror(errno))) }
    let size = Int(status.st_size)
    guard size >= IndexFormat.headerSize else {
      if size >= 8 {
        var magic = [UInt8](repeating: 0, count: 8)
        _ = pread(descriptor, &magic, 8, 0)
        if magic != IndexFormat.segmentMagic { throw .foreignFile(path: path) }
      }
      throw .truncated(path: path, expectedBytes: IndexFormat.headerSize, actualBytes: size)
    }
    guard let base = mmap(nil, size, PROT_READ, MAP_SHARED, descriptor, 0), base != MAP_FAILED else {
      throw .io(path: path, reason: "cannot map: \(String(cString: strerror(errno)))")
    }
    let mapping = UnsafeRawBufferPointer(start: base, count: size)
    do {
      let layout = try Self.checkLayout(mapping, path: path)
      self.mapping = mapping
      documentCount = layout.documentCount
      parameters = layout.parameters
      headerChecksum = layout.headerChecksum
      sections = layout.sections
      dataStart = layout.dataStart
      checksumTable = layout.checksumTable
      let blocks =
        (layout.checksumTable.lowerBound - layout.dataStart + IndexFormat.blockSize - 1) / IndexFormat.blockSize
      verifiedBlocks = (0..<(blocks + 63) / 64).map { _ in VerifiedBits() }
    } catch {
      munmap(base, size)
      throw error
    }
  }

  deinit {
    munmap(UnsafeMutableRawPointer(mutating: mapping.baseAddress), mapping.count)
  }

  private struct Layout {
    var documentCount: Int
    var parameters: IndexParameters
    var headerChecksum: UInt64
    var sections: [SectionKind: Range<Int>]
    var dataStart: Int
    var checksumTable: Range<Int>
  }

  /// Checks the header, section table and checksum table; O(sections + blocks).
  private static func checkLayout(_ mapping: UnsafeRawBufferPointer, path: String) throws(IndexFileError) -> Layout {
    let reader = ByteReader(bytes: mapping, path: path)
    func corrupt(_ reason: String) -> IndexFileError { .corrupt(path: path, reason: reason) }
    guard Array(try reader.slice(0..<8)) == IndexFormat.segmentMagic else { throw .foreignFile(path: path) }
    let version = try reader.u32(8)
    try IndexFormat.checkVersion(version, path: path)
    let headerChecksum = try reader.u64(248)
    guard try reader.checksum(0..<248) == headerChecksum else { throw corrupt("header checksum mismatch") }
    guard Int(try reader.u32(12)) == IndexFormat.headerSize else { throw corrupt("unexpected header size") }
    // Every size and offset lies within the file (and a document takes bytes), so
    // none is larger than its size: arithmetic on them cannot overflow.
    let documentCount = try reader.size(16, atMost: mapping.count, "document count")
    let fileSize = try reader.size(24, atMost: Int.max, "file size")
    guard fileSize == mapping.count else {
      if mapping.count < fileSize { throw .truncated(path: path, expectedBytes: fileSize, actualBytes: mapping.count) }
      throw corrupt("file is \(mapping.count) bytes, the header says \(fileSize)")
    }
    let parameters = try IndexParameters.decode(reader, at: 32)
    let sectionCount = Int(try reader.u32(96))
    guard Int(try reader.u32(100)) == IndexFormat.blockSize else { throw corrupt("unexpected block size") }
    let tableOffset = try reader.size(104, atMost: fileSize, "section table offset")
    let checksumOffset = try reader.size(112, atMost: fileSize, "checksum table offset")
    let checksumLength = try reader.size(120, atMost: fileSize, "checksum table length")
    guard sectionCount <= 64, tableOffset == IndexFormat.headerSize else { throw corrupt("bad section table") }
    let tableEnd = tableOffset + sectionCount * IndexFormat.sectionEntrySize
    guard try reader.checksum(tableOffset..<tableEnd) == (try reader.u64(136)) else {
      throw corrupt("section table checksum mismatch")
    }
    guard checksumOffset >= tableEnd, checksumOffset + checksumLength == fileSize,
      try reader.checksum(checksumOffset..<fileSize) == (try reader.u64(128))
    else { throw corrupt("block checksum table damaged") }
    let dataStart = (tableEnd + 7) / 8 * 8
    let blocks = (checksumOffset - dataStart + IndexFormat.blockSize - 1) / IndexFormat.blockSize
    guard checksumLength == blocks * 8 else { throw corrupt("block checksum table has the wrong size") }

    var sections: [SectionKind: Range<Int>] = [:]
    for index in 0..<sectionCount {
      let entry = tableOffset + index * IndexFormat.sectionEntrySize
      guard let kind = SectionKind(rawValue: try reader.u32(entry)) else { continue }  // unknown: skip
      let offset = try reader.size(entry + 8, atMost: fileSize, "section \(kind) offset")
      let length = try reader.size(entry + 16, atMost: fileSize, "section \(kind) length")
      guard offset >= dataStart, length >= 0, offset + length <= checksumOffset, offset % 8 == 0 else {
        throw corrupt("section \(kind) lies outside the data region")
      }
      sections[kind] = offset..<offset + length
    }
    // Section sizes must agree with the counts, so accessors cannot run off a section.
    let n = documentCount
    let k = parameters.sketch.permutationCount
    let b = parameters.lsh.bands
    let expected: [SectionKind: Int] = [
      .idOffsets: 8 * (n + 1), .previewOffsets: 8 * (n + 1), .tokenCounts: 4 * n, .shingleCounts: 4 * n,
      .contentKeys: 16 * n, .signatures: 4 * n * k, .fingerprintOffsets: 8 * (n + 1), .bandKeys: 8 * b * n,
      .bandDocuments: 4 * b * n, .idHashes: 8 * n, .idHashDocuments: 4 * n,
    ]
    for kind in SectionKind.allCases {
      guard let range = sections[kind] else { throw corrupt("section \(kind) is missing") }
      if let size = expected[kind], range.count != size {
        throw corrupt("section \(kind) has \(range.count) bytes, expected \(size)")
      }
    }
    guard sections[.fingerprints]!.count % 8 == 0 else { throw corrupt("fingerprint section is not whole values") }
    return Layout(
      documentCount: n, parameters: parameters, headerChecksum: headerChecksum, sections: sections,
      dataStart: dataStart, checksumTable: checksumOffset..<fileSize)
  }

  // MARK: Verified access

  /// Verifies (once) every checksum block overlapping `range`.
  /// - Complexity: O(1) for verified blocks; O(block size) to verify a new one.
  private func verify(_ range: Range<Int>) throws(IndexFileError) {
    guard !range.isEmpty else { return }
    let first = (range.lowerBound - dataStart) / IndexFormat.blockSize
    let last = (range.upperBound - 1 - dataStart) / IndexFormat.blockSize
    for block in first...last {
      let word = verifiedBlocks[block / 64]
      let bit: UInt64 = 1 << UInt64(block % 64)
      if word.bits.load(ordering: .relaxed) & bit != 0 { continue }
      let start = dataStart + block * IndexFormat.blockSize
      let end = min(start + IndexFormat.blockSize, checksumTable.lowerBound)
      let reader = ByteReader(bytes: mapping, path: path)
      let stored = try reader.u64(checksumTable.lowerBound + 8 * block)
      guard try reader.checksum(start..<end) == stored else {
        throw .corrupt(path: path, reason: "block \(block) (bytes \(start)..<\(end)) fails its checksum")
      }
      word.bits.bitwiseOr(bit, ordering: .relaxed)
    }
  }

  /// The little-endian value of type T at element `index` of `section`, verified.
  @inline(__always)
  private func element<T: FixedWidthInteger>(_ section: SectionKind, _ index: Int, as type: T.Type)
    throws(IndexFileError)
    -> T
  {
    let range = sections[section]!
    guard index >= 0, index < range.count / MemoryLayout<T>.size else {
      throw .corrupt(path: path, reason: "\(section) index \(index) out of range")
    }
    let offset = range.lowerBound + index * MemoryLayout<T>.size
    try verify(offset..<offset + MemoryLayout<T>.size)
    return T(littleEndian: mapping.loadUnaligned(fromByteOffset: offset, as: T.self))
  }

  /// The verified bytes `range` of variable-length section `section` between offsets
  /// read from `offsets`.
  private func variableRange(_ offsets: SectionKind, _ bytes: SectionKind, _ index: Int) throws(IndexFileError)
    -> Range<Int>
  {
    let lower = try element(offsets, index, as: UInt64.self)
    let upper = try element(offsets, index + 1, as: UInt64.self)
    let region = sections[bytes]!
    let elementSize = bytes == .fingerprints ? 8 : 1
    // Compared before any conversion or arithmetic, which crafted values would trap.
    guard lower <= upper, upper <= UInt64(region.count / elementSize) else {
      throw .corrupt(path: path, reason: "\(bytes) offsets of document \(index) out of range")
    }
    let range = (region.lowerBound + Int(lower) * elementSize)..<(region.lowerBound + Int(upper) * elementSize)
    try verify(range)
    return range
  }

  // MARK: Documents

  /// The id of document `index`.
  package func id(_ index: Int) throws(IndexFileError) -> String {
    let range = try variableRange(.idOffsets, .idBytes, index)
    return String(decoding: UnsafeRawBufferPointer(rebasing: mapping[range]), as: UTF8.self)
  }

  /// The preview (start of the title) of document `index`.
  package func preview(_ index: Int) throws(IndexFileError) -> String {
    let range = try variableRange(.previewOffsets, .previewBytes, index)
    return String(decoding: UnsafeRawBufferPointer(rebasing: mapping[range]), as: UTF8.self)
  }

  /// The token count of document `index`.
  package func tokenCount(_ index: Int) throws(IndexFileError) -> Int {
    Int(try element(.tokenCounts, index, as: UInt32.self))
  }

  /// The number of distinct shingles of document `index`.
  package func shingleCount(_ index: Int) throws(IndexFileError) -> Int {
    Int(try element(.shingleCounts, index, as: UInt32.self))
  }

  /// The content key of document `index`.
  package func contentKey(_ index: Int) throws(IndexFileError) -> ContentKey {
    ContentKey(
      low: try element(.contentKeys, 2 * index, as: UInt64.self),
      high: try element(.contentKeys, 2 * index + 1, as: UInt64.self))
  }

  /// Copies the signature of document `index` into `out`.
  /// - Precondition: `out.count` is the permutation count.
  package func signature(_ index: Int, into out: UnsafeMutableBufferPointer<UInt32>) throws(IndexFileError) {
    let k = parameters.sketch.permutationCount
    precondition(out.count == k, "signature buffer has \(out.count) slots, expected \(k)")
    let region = sections[.signatures]!
    guard index >= 0, index < documentCount else {
      throw .corrupt(path: path, reason: "signature index \(index) out of range")
    }
    let start = region.lowerBound + index * k * 4
    try verify(start..<start + 4 * k)
    for slot in 0..<k {
      out[slot] = UInt32(littleEndian: mapping.loadUnaligned(fromByteOffset: start + 4 * slot, as: UInt32.self))
    }
  }

  /// Replaces `out` with the fingerprint set of document `index`.
  package func fingerprints(_ index: Int, into out: inout [UInt64]) throws(IndexFileError) {
    let range = try variableRange(.fingerprintOffsets, .fingerprints, index)
    out.removeAll(keepingCapacity: true)
    var offset = range.lowerBound
    while offset < range.upperBound {
      out.append(UInt64(littleEndian: mapping.loadUnaligned(fromByteOffset: offset, as: UInt64.self)))
      offset += 8
    }
  }

  /// The documents whose band `band` has key `key`.
  /// - Complexity: O(log N + matches), reading only the pages the search touches.
  package func documents(withBandKey key: UInt64, band: Int, into out: inout [UInt32]) throws(IndexFileError) {
    let n = documentCount
    var low = 0
    var high = n
    while low < high {
      let middle = (low + high) / 2
      if try element(.bandKeys, band * n + middle, as: UInt64.self) < key { low = middle + 1 } else { high = middle }
    }
    var position = low
    while position < n, try element(.bandKeys, band * n + position, as: UInt64.self) == key {
      out.append(try element(.bandDocuments, band * n + position, as: UInt32.self))
      position += 1
    }
  }

  /// The document with id `id`, if this segment holds one.
  /// - Complexity: O(log N).
  package func document(withID id: String) throws(IndexFileError) -> Int? {
    let hash = IndexFormat.idHash(id)
    var low = 0
    var high = documentCount
    while low < high {
      let middle = (low + high) / 2
      if try element(.idHashes, middle, as: UInt64.self) < hash { low = middle + 1 } else { high = middle }
    }
    var position = low
    while position < documentCount, try element(.idHashes, position, as: UInt64.self) == hash {
      let document = Int(try element(.idHashDocuments, position, as: UInt32.self))
      guard document < documentCount else { throw .corrupt(path: path, reason: "id table entry out of range") }
      if try self.id(document) == id { return document }
      position += 1
    }
    return nil
  }

  /// Verifies every block of the file; O(file size). For `neardup index verify`-style
  /// checks and tests.
  package func verifyAll() throws(IndexFileError) {
    try verify(dataStart..<checksumTable.lowerBound)
  }
}

/// 64 "verified" flags of checksum blocks, set once and read without locks.
final class VerifiedBits: Sendable {
  let bits = Atomic<UInt64>(0)
}
