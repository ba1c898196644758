import Foundation
@testable import NearDupCore

/// Fuzz target `index`: a damaged manifest or segment file in a copy of a small
/// valid index (`BaseIndex`), opened and queried.
///
/// An input is one selector byte, then the new content of one file:
/// - selector % 3 picks the file: 0 `MANIFEST`, 1 `seg-1.ndx`, 2 `seg-2.ndx`;
/// - selector & 4 repairs the checksums after the damage — the manifest's, or a
///   segment's header, section-table, block and block-table checksums, and then the
///   segment's manifest entry (size, header checksum, document count) — so that the
///   structural checks behind the checksums get fuzzed too: a crafted file passes
///   every checksum.
///
/// Opening (`LSHIndex.open`), querying three stored texts, looking up ids, reading
/// every document back (`sketchedCorpus`), and `verifyAll` must either work or
/// throw `IndexFileError`; never trap. A file changed without the repair must make
/// one of them throw: a damaged index never answers.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzIndex(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  guard size >= 1 else { return 0 }
  let selector = data[0]
  let name = BaseIndex.fileNames[Int(selector % 3)]
  var content = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
  var files = IndexFuzzer.base
  let changed = content != files[name]
  if selector & 4 != 0 {
    if name == IndexManifest.fileName {
      IndexFuzzer.repairManifest(&content)
    } else {
      IndexFuzzer.repairSegment(&content)
      files[IndexManifest.fileName] = IndexFuzzer.manifest(matching: content, name: name)
    }
  }
  files[name] = content
  IndexFuzzer.install(files)
  let failed = IndexFuzzer.exercise()
  if changed && selector & 4 == 0 {
    Fuzz.expect(failed, "\(name) was changed but the index opened, answered and verified without an error")
  }
  return 0
}

enum IndexFuzzer {
  /// The index directory the inputs are written to.
  static let directory = ScratchDirectory.path + "/index"
  /// The valid files, by name.
  static let base = BaseIndex.build(at: ScratchDirectory.path + "/base")
  /// The files now in `directory`.
  nonisolated(unsafe) static var installed: [String: [UInt8]] = [:]

  /// Writes the files of `files` that differ from those installed.
  static func install(_ files: [String: [UInt8]]) {
    if installed.isEmpty {
      try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }
    for (name, bytes) in files where installed[name] != bytes {
      Fuzz.writeFile(directory + "/" + name, bytes)
      installed[name] = bytes
    }
  }

  /// Opens and reads the index; whether anything threw.
  static func exercise() -> Bool {
    do {
      let index = try LSHIndex.open(directory)
      var querier = IndexQuerier(index: index)
      for document in BaseIndex.documents.prefix(3) {
        _ = try querier.query(text: document.text, options: QueryOptions())
        _ = try querier.query(text: document.text, options: QueryOptions(threshold: 0, top: 2))
      }
      for document in [BaseIndex.documents[0], BaseIndex.documents[1], BaseIndex.documents.last!] {
        _ = try index.document(withID: document.id)
      }
      _ = try index.document(withID: "no such id")
      _ = index.documentCount
      _ = index.statistics()
      _ = try index.sketchedCorpus(retention: .fingerprints)
      for segment in index.segments { try segment.verifyAll() }
      return false
    } catch {
      return true
    }
  }

  /// Recomputes the manifest's trailing checksum.
  static func repairManifest(_ bytes: inout [UInt8]) {
    guard bytes.count >= 8, let checksum = bytes.xxh3(0..<bytes.count - 8) else { return }
    bytes.setLittleEndianU64(checksum, at: bytes.count - 8)
  }

  /// Recomputes a segment's block checksums, the checksums of the block table and
  /// the section table, and last the header checksum, wherever the (possibly
  /// damaged) header fields locate them within the file.
  static func repairSegment(_ bytes: inout [UInt8]) {
    let headerSize = IndexFormat.headerSize
    guard bytes.count >= headerSize,
      let sectionCount = bytes.littleEndianU32(at: 96), let tableOffset = bytes.littleEndianU64(at: 104),
      let checksumOffset = bytes.littleEndianU64(at: 112)
    else { return }
    let tableEnd = tableOffset &+ UInt64(sectionCount) &* UInt64(IndexFormat.sectionEntrySize)
    if tableOffset == UInt64(headerSize), sectionCount <= 64, tableEnd <= checksumOffset,
      checksumOffset <= UInt64(bytes.count)
    {
      let dataStart = (Int(tableEnd) + 7) / 8 * 8
      let table = Int(checksumOffset)
      var block = 0
      var start = dataStart
      while start < table {
        let end = min(start + IndexFormat.blockSize, table)
        if let checksum = bytes.xxh3(start..<end) { bytes.setLittleEndianU64(checksum, at: table + 8 * block) }
        block += 1
        start = end
      }
      if let checksum = bytes.xxh3(table..<bytes.count) { bytes.setLittleEndianU64(checksum, at: 128) }
      if let checksum = bytes.xxh3(headerSize..<Int(tableEnd)) { bytes.setLittleEndianU64(checksum, at: 136) }
    }
    if let checksum = bytes.xxh3(0..<248) { bytes.setLittleEndianU64(checksum, at: 248) }
  }

  /// The base manifest with the entry of segment `name` describing `segment`, its
  /// checksum recomputed.
  static func manifest(matching segment: [UInt8], name: String) -> [UInt8] {
    let path = directory + "/" + IndexManifest.fileName
    guard var manifest = try? IndexManifest.decode(base[IndexManifest.fileName]!, path: path),
      let entry = manifest.segments.firstIndex(where: { $0.name == name })
    else { Fuzz.fail("the base manifest does not decode") }
    manifest.segments[entry].byteCount = segment.count
    if let checksum = segment.littleEndianU64(at: 248) { manifest.segments[entry].headerChecksum = checksum }
    if let count = segment.littleEndianU64(at: 16), count <= UInt64(Int.max) {
      manifest.segments[entry].documentCount = Int(count)
    }
    return manifest.encoded()
  }
}
