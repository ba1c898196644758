/// The manifest of an index directory: which segment files make up the current
/// state, and which of their documents are removed (tombstones).
///
/// The file `MANIFEST` is the commit point of every change: writers create new
/// segment files first, then replace the manifest atomically (write `MANIFEST.tmp`,
/// fsync, rename, fsync the directory). Whatever instant a writer dies at, the
/// directory holds the old or the new manifest, and both name complete segments.
///
/// Layout (little-endian): magic "NDUPMANI", format version u32, reserved u32,
/// generation u64, `IndexParameters` (64 bytes), segment count u32, reserved u32,
/// then per segment: name length u32, name bytes padded to 8, document count u64,
/// file size u64, header checksum u64; then tombstone count u64 and per tombstone
/// segment u32, document u32; last, XXH3-64 of everything before it.
///
/// - Invariant: tombstones are sorted and distinct and name existing documents.
struct IndexManifest: Equatable {
  /// One segment file of the index.
  struct SegmentEntry: Equatable {
    var name: String
    var documentCount: Int
    var byteCount: Int
    var headerChecksum: UInt64
  }

  /// Increases with every commit.
  var generation: UInt64
  var parameters: IndexParameters
  var segments: [SegmentEntry]
  /// Removed documents as `segment << 32 | document`, sorted.
  var tombstones: [UInt64]

  /// The file name of the manifest in an index directory.
  static let fileName = "MANIFEST"

  func encoded() -> [UInt8] {
    var writer = ByteWriter()
    writer.raw(IndexFormat.manifestMagic)
    writer.u32(IndexFormat.version)
    writer.u32(0)
    writer.u64(generation)
    parameters.encode(into: &writer)
    writer.u32(UInt32(segments.count))
    writer.u32(0)
    for segment in segments {
      let name = Array(segment.name.utf8)
      writer.u32(UInt32(name.count))
      writer.raw(name)
      writer.pad(to: 8)
      writer.u64(UInt64(segment.documentCount))
      writer.u64(UInt64(segment.byteCount))
      writer.u64(segment.headerChecksum)
    }
    writer.u64(UInt64(tombstones.count))
    for tombstone in tombstones { writer.u64(tombstone) }
    let checksum = writer.bytes.withUnsafeBytes { XXH3.hash($0) }
    writer.u64(checksum)
    return writer.bytes
  }

  /// Decodes and checks a manifest.
  /// - Throws: `IndexFileError` for a foreign, newer, truncated or corrupt manifest.
  static func decode(_ bytes: [UInt8], path: String) throws(IndexFileError) -> IndexManifest {
    try withBytes(of: bytes) { (raw) throws(IndexFileError) -> IndexManifest in
      let reader = ByteReader(bytes: raw, path: path)
      guard raw.count >= 8, Array(raw[0..<8]) == IndexFormat.manifestMagic else { throw .foreignFile(path: path) }
      let version = try reader.u32(8)
      try IndexFormat.checkVersion(version, path: path)
      guard raw.count >= 16 + IndexFormat.parametersSize + 8 + 16 else {
        throw .truncated(path: path, expectedBytes: 16 + IndexFormat.parametersSize + 24, actualBytes: raw.count)
      }
      guard try reader.checksum(0..<raw.count - 8) == (try reader.u64(raw.count - 8)) else {
        throw .corrupt(path: path, reason: "manifest checksum mismatch")
      }
      let generation = try reader.u64(16)
      let parameters = try IndexParameters.decode(reader, at: 24)
      var offset = 24 + IndexFormat.parametersSize
      let segmentCount = Int(try reader.u32(offset))
      offset += 8
      var segments: [SegmentEntry] = []
      for _ in 0..<segmentCount {
        let length = Int(try reader.u32(offset))
        guard length > 0, length < 256 else { throw .corrupt(path: path, reason: "bad segment name") }
        let name = String(decoding: try reader.slice(offset + 4..<offset + 4 + length), as: UTF8.self)
        guard !name.contains("/"), !name.hasPrefix(".") else { throw .corrupt(path: path, reason: "bad segment name") }
        offset = (offset + 4 + length + 7) / 8 * 8
        segments.append(
          SegmentEntry(
            name: name, documentCount: try reader.size(offset, atMost: Int(UInt32.max), "segment document count"),
            byteCount: try reader.size(offset + 8, atMost: Int.max, "segment size"),
            headerChecksum: try reader.u64(offset + 16)))
        offset += 24
      }
      let tombstoneCount = try reader.size(offset, atMost: raw.count / 8, "tombstone count")
      offset += 8
      guard offset + 8 * tombstoneCount + 8 == raw.count else {
        throw .corrupt(path: path, reason: "manifest length does not match its contents")
      }
      var tombstones: [UInt64] = []
      tombstones.reserveCapacity(tombstoneCount)
      for index in 0..<tombstoneCount {
        let tombstone = try reader.u64(offset + 8 * index)
        guard Int(tombstone >> 32) < segments.count,
          Int(tombstone & 0xFFFF_FFFF) < segments[Int(tombstone >> 32)].documentCount,
          tombstones.last.map({ $0 < tombstone }) ?? true
        else { throw .corrupt(path: path, reason: "bad tombstone") }
        tombstones.append(tombstone)
      }
      return IndexManifest(generation: generation, parameters: parameters, segments: segments, tombstones: tombstones)
    }
  }
}
