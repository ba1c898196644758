#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

extension IndexSegment {
  /// Writes the documents of `corpus` as a new segment file at `path` and syncs it to
  /// disk. The caller renames it into place (see `IndexWriter`), so a reader never
  /// sees a partial segment.
  ///
  /// Layout: a 256-byte header (magic, version, counts, `IndexParameters`, offsets and
  /// checksums of the two tables), the section table, the sections (8-byte aligned,
  /// little-endian), then one XXH3-64 per 64 KiB block of the section data.
  ///
  /// - Precondition: `corpus` keeps fingerprint sets and was sketched with
  ///   `parameters.sketch`.
  /// - Complexity: O(N·(k + s + b log N)) time; the band tables take O(b·N) memory
  ///   while writing, the rest streams.
  static func write(_ corpus: SketchedCorpus, parameters: IndexParameters, to path: String) throws(IndexFileError) {
    precondition(corpus.fingerprints != nil, "an index segment needs the fingerprint sets")
    let fingerprints = corpus.fingerprints!
    let documents = corpus.documents
    let n = documents.count
    let k = parameters.sketch.permutationCount
    let lsh = parameters.lsh
    let file = try BlockChecksummingFile(path: path)

    let idBytes = documents.ids.map { Array($0.utf8) }
    let previewBytes = documents.previews.map { Array($0.utf8) }
    var sections: [(SectionKind, Range<Int>)] = []
    let dataStart = (IndexFormat.headerSize + SectionKind.allCases.count * IndexFormat.sectionEntrySize + 7) / 8 * 8
    try file.skip(to: dataStart)

    func section(_ kind: SectionKind, _ body: () throws(IndexFileError) -> Void) throws(IndexFileError) {
      try file.pad(to: 8)
      let start = file.position
      try body()
      sections.append((kind, start..<file.position))
    }
    func offsets(_ lengths: [Int]) throws(IndexFileError) {
      var offsets: [UInt64] = [0]
      for length in lengths { offsets.append(offsets.last! + UInt64(length)) }
      try file.integers(offsets)
    }

    try section(.idOffsets) { () throws(IndexFileError) in try offsets(idBytes.map(\.count)) }
    try section(.idBytes) { () throws(IndexFileError) in for id in idBytes { try file.bytes(id) } }
    try section(.previewOffsets) { () throws(IndexFileError) in try offsets(previewBytes.map(\.count)) }
    try section(.previewBytes) { () throws(IndexFileError) in for preview in previewBytes { try file.bytes(preview) } }
    try section(.tokenCounts) { () throws(IndexFileError) in try file.integers(documents.tokenCounts) }
    try section(.shingleCounts) { () throws(IndexFileError) in try file.integers(documents.shingleCounts) }
    try section(.contentKeys) { () throws(IndexFileError) in
      try file.integers(corpus.contentKeys.flatMap { [$0.low, $0.high] })
    }
    try section(.signatures) { () throws(IndexFileError) in try file.integers(Array(corpus.signatures.values)) }
    try section(.fingerprintOffsets) { () throws(IndexFileError) in
      try file.integers(fingerprints.offsets.map { UInt64($0) })
    }
    try section(.fingerprints) { () throws(IndexFileError) in try file.integers(fingerprints.values) }

    // Band tables: per band, (key, document) sorted by key then document.
    var bandTables: [[BandEntry]] = []
    corpus.signatures.withRows { rows in
      for band in 0..<lsh.bands {
        var entries: [BandEntry] = []
        entries.reserveCapacity(n)
        for document in 0..<n {
          let row = UnsafeBufferPointer(rebasing: rows[document * k..<(document + 1) * k])
          entries.append(BandEntry(key: lsh.bandKey(row, band: band), document: UInt32(document)))
        }
        entries.sort()
        bandTables.append(entries)
      }
    }
    try section(.bandKeys) { () throws(IndexFileError) in
      for table in bandTables { try file.integers(table.map(\.key)) }
    }
    try section(.bandDocuments) { () throws(IndexFileError) in
      for table in bandTables { try file.integers(table.map(\.document)) }
    }
    bandTables = []
    let idTable = documents.ids.enumerated().map {
      BandEntry(key: IndexFormat.idHash($0.element), document: UInt32($0.offset))
    }
    .sorted()
    try section(.idHashes) { () throws(IndexFileError) in try file.integers(idTable.map(\.key)) }
    try section(.idHashDocuments) { () throws(IndexFileError) in try file.integers(idTable.map(\.document)) }
    try file.pad(to: 8)

    // Block checksums, then the header and section table at the front.
    let checksums = try file.finishBlocks()
    let checksumOffset = file.position
    var table = ByteWriter()
    for checksum in checksums { table.u64(checksum) }
    try file.appendUnchecksummed(table.bytes)
    let fileSize = file.position

    var sectionTable = ByteWriter()
    for (kind, range) in sections {
      sectionTable.u32(kind.rawValue)
      sectionTable.u32(0)
      sectionTable.u64(UInt64(range.lowerBound))
      sectionTable.u64(UInt64(range.count))
      sectionTable.u64(0)
    }
    var header = ByteWriter()
    header.raw(IndexFormat.segmentMagic)
    header.u32(IndexFormat.version)
    header.u32(UInt32(IndexFormat.headerSize))
    header.u64(UInt64(n))
    header.u64(UInt64(fileSize))
    parameters.encode(into: &header)
    header.u32(UInt32(sections.count))
    header.u32(UInt32(IndexFormat.blockSize))
    header.u64(UInt64(IndexFormat.headerSize))
    header.u64(UInt64(checksumOffset))
    header.u64(UInt64(fileSize - checksumOffset))
    header.u64(table.bytes.withUnsafeBytes { XXH3.hash($0) })
    header.u64(sectionTable.bytes.withUnsafeBytes { XXH3.hash($0) })
    while header.bytes.count < 248 { header.u8(0) }
    header.u64(header.bytes.withUnsafeBytes { XXH3.hash($0) })
    try file.writeAt(0, header.bytes + sectionTable.bytes)
    try file.syncAndClose()
  }
}

/// A file written front to back, with an XXH3-64 checksum of every 64 KiB block of the
/// region from the first `skip(to:)` position on, and a final positioned write of the
/// header.
final class BlockChecksummingFile {
  let path: String
  private var descriptor: Int32
  private(set) var position = 0
  private var block: [UInt8] = []
  private var checksums: [UInt64] = []
  private var pending: [UInt8] = []

  init(path: String) throws(IndexFileError) {
    self.path = path
    descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else { throw .io(path: path, reason: "cannot create: \(String(cString: strerror(errno)))") }
    block.reserveCapacity(IndexFormat.blockSize)
  }

  deinit {
    if descriptor >= 0 { close(descriptor) }
  }

  /// Starts the checksummed region at `offset` (the header is written last).
  func skip(to offset: Int) throws(IndexFileError) {
    precondition(position == 0 && offset >= 0)
    try writeRaw([UInt8](repeating: 0, count: offset))
    position = offset
  }

  /// Appends integers as little-endian bytes, in one copy on little-endian machines.
  func integers<Integer: FixedWidthInteger>(_ values: [Integer]) throws(IndexFileError) {
    #if _endian(little)
      let outcome = values.withUnsafeBytes { raw in Result { () throws(IndexFileError) in try append(raw) } }
      try outcome.get()
    #else
      try bytes(values.flatMap { value in withUnsafeBytes(of: value.littleEndian) { Array($0) } })
    #endif
  }

  func bytes(_ bytes: [UInt8]) throws(IndexFileError) {
    try withBytes(of: bytes) { (raw) throws(IndexFileError) in try append(raw) }
  }
  func pad(to alignment: Int) throws(IndexFileError) {
    while position % alignment != 0 { try u8(0) }
  }
  private func u8(_ value: UInt8) throws(IndexFileError) {
    try withUnsafeBytes(of: value) { (raw) throws(IndexFileError) in try append(raw) }
  }

  /// Appends bytes to the checksummed region.
  private func append(_ raw: UnsafeRawBufferPointer) throws(IndexFileError) {
    var offset = 0
    while offset < raw.count {
      let take = min(raw.count - offset, IndexFormat.blockSize - block.count)
      block.append(contentsOf: raw[offset..<offset + take])
      offset += take
      position += take
      if block.count == IndexFormat.blockSize { try closeBlock() }
    }
  }

  private func closeBlock() throws(IndexFileError) {
    guard !block.isEmpty else { return }
    checksums.append(block.withUnsafeBytes { XXH3.hash($0) })
    pending.append(contentsOf: block)
    block.removeAll(keepingCapacity: true)
    if pending.count >= 1 << 22 { try flushPending() }
  }

  /// Ends the checksummed region; returns one checksum per block.
  func finishBlocks() throws(IndexFileError) -> [UInt64] {
    try closeBlock()
    try flushPending()
    return checksums
  }

  /// Appends bytes after the checksummed region.
  func appendUnchecksummed(_ bytes: [UInt8]) throws(IndexFileError) {
    try writeRaw(bytes)
    position += bytes.count
  }

  private func flushPending() throws(IndexFileError) {
    try writeRaw(pending)
    pending.removeAll(keepingCapacity: true)
  }

  private func writeRaw(_ bytes: [UInt8]) throws(IndexFileError) {
    var offset = 0
    while offset < bytes.count {
      let written = bytes.withUnsafeBytes { raw in write(descriptor, raw.baseAddress! + offset, raw.count - offset) }
      if written < 0 {
        if errno == EINTR { continue }
        throw .io(path: path, reason: "write failed: \(String(cString: strerror(errno)))")
      }
      offset += written
    }
  }

  /// Writes `bytes` at `offset` (the header).
  func writeAt(_ offset: Int, _ bytes: [UInt8]) throws(IndexFileError) {
    let written = bytes.withUnsafeBytes { pwrite(descriptor, $0.baseAddress!, $0.count, off_t(offset)) }
    guard written == bytes.count else {
      throw .io(path: path, reason: "write failed: \(String(cString: strerror(errno)))")
    }
  }

  /// Flushes the file to disk and closes it.
  func syncAndClose() throws(IndexFileError) {
    guard fsync(descriptor) == 0 else {
      throw .io(path: path, reason: "fsync failed: \(String(cString: strerror(errno)))")
    }
    close(descriptor)
    descriptor = -1
  }
}
