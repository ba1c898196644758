#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif
import Foundation

/// Changes an index directory — build, add, remove, compact — crash-safely.
///
/// Every change follows one protocol: new segment files are written under temporary
/// names, synced and renamed into place; then the manifest is replaced the same way
/// (`MANIFEST.tmp`, fsync, rename, fsync of the directory). Only then are files that
/// the new manifest no longer names deleted. A process killed at any instant leaves
/// the index at its previous or its new state; leftovers are removed by the next
/// writer.
///
/// One writer at a time: the writer holds an exclusive `flock` on `LOCK` in the
/// directory for its lifetime. Readers take no lock.
///
/// New documents go to a new segment. When there are more than `maximumSegments`,
/// the newest segments are merged, oldest order kept: the longest run of newest
/// segments whose documents together do not outnumber the segment before them
/// (so each document is rewritten O(log N) times). Removals are tombstones until
/// `compact()` (or a merge) drops them.
///
/// ```swift
/// let writer = try IndexWriter(creating: "news.ndx", parameters: IndexParameters(configuration))
/// try writer.add([Document(id: "a", text: "…"), Document(id: "b", text: "…")])
/// let matches = try writer.index.query(Document(id: "q", text: "…"))
/// ```
///
/// - Invariant: `index` is the view of the last committed manifest.
public final class IndexWriter {
  /// The index directory.
  public let path: String
  /// The view of the current state: the last committed change. Queries can use it,
  /// and keep it after later changes.
  public private(set) var index: LSHIndex
  /// More segments than this trigger a merge of the newest ones.
  package var maximumSegments = 8
  private let lockDescriptor: Int32

  /// Opens the existing index at `path` for writing, taking its writer lock until
  /// the writer is released.
  /// - Parameter path: The index directory.
  /// - Throws: `IndexFileError.missing` when there is no index, `.locked` when
  ///   another writer has it, or the errors of damaged files.
  /// - Complexity: O(segments) small reads, whatever the number of documents.
  public init(opening path: String) throws(IndexFileError) {
    self.path = path
    _ = try LSHIndex.readManifest(path)  // fail before locking when there is no index
    lockDescriptor = try Self.lock(path)
    do {
      index = try LSHIndex.open(path)
    } catch {
      close(lockDescriptor)
      throw error
    }
    removeUnreferencedFiles()
  }

  /// Creates a new index at `path` holding `documents`, sketched with `parameters`.
  ///
  /// The directory is created if needed; it must not hold an index. The writer holds
  /// the index's lock until it is released.
  /// - Parameters:
  ///   - path: The index directory.
  ///   - parameters: The sketch parameters, threshold, measure and banding, fixed for
  ///     the index's lifetime.
  ///   - documents: The first documents, with unique ids; none gives an empty index.
  /// - Throws: `IndexFileError.alreadyExists` when `path` holds an index,
  ///   `.duplicateID` when two documents share an id, and I/O errors.
  /// - Complexity: O(B + N·s·k) to sketch N documents of B bytes, plus
  ///   O(N·(k + s + b) log N) to write them.
  public convenience init(creating path: String, parameters: IndexParameters, documents: [Document] = [])
    throws(IndexFileError)
  {
    try Self.checkUniqueIDs(documents, path: path)
    try self.init(creating: path, corpus: Self.sketch(documents, parameters: parameters), parameters: parameters)
  }

  /// Creates a new index at `path` holding `corpus`.
  /// - Throws: `.alreadyExists` when `path` holds an index, and I/O errors.
  package init(creating path: String, corpus: SketchedCorpus, parameters: IndexParameters) throws(IndexFileError) {
    self.path = path
    if FileManager.default.fileExists(atPath: path + "/" + IndexManifest.fileName) { throw .alreadyExists(path: path) }
    do {
      try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    } catch {
      throw .io(path: path, reason: "cannot create the index directory: \(error.localizedDescription)")
    }
    lockDescriptor = try Self.lock(path)
    do {
      // Check again under the lock: another build may have won the race.
      if FileManager.default.fileExists(atPath: path + "/" + IndexManifest.fileName) {
        throw IndexFileError.alreadyExists(path: path)
      }
      let entry = try Self.writeSegment(corpus, parameters: parameters, in: path, generation: 1)
      let manifest = IndexManifest(generation: 1, parameters: parameters, segments: [entry], tombstones: [])
      try Self.commit(manifest, in: path)
      index = try LSHIndex.open(path)
    } catch let error as IndexFileError {
      close(lockDescriptor)
      throw error
    } catch {
      close(lockDescriptor)
      throw .io(path: path, reason: "\(error)")
    }
    removeUnreferencedFiles()
  }

  deinit {
    close(lockDescriptor)
  }

  /// Adds documents as a new segment, sketched with the index's parameters; durable
  /// when this returns.
  /// - Parameters:
  ///   - documents: The documents, with unique ids.
  ///   - replacing: Whether documents whose ids are in the index already replace
  ///     them (else such an id is an error and nothing changes).
  /// - Returns: The number of documents replaced.
  /// - Throws: `IndexFileError.duplicateID` when an id is in the index (without
  ///   `replacing`) or twice among `documents`, and I/O errors; nothing changes then.
  /// - Complexity: O(B + N·s·k) to sketch N documents of B bytes, plus
  ///   O(N·segments·log M) id look-ups in an index of M documents and the write of
  ///   the new segment (and of a merge, when there are too many segments).
  @discardableResult
  public func add(_ documents: [Document], replacing: Bool = false) throws(IndexFileError) -> Int {
    try Self.checkUniqueIDs(documents, path: path)
    return try add(Self.sketch(documents, parameters: index.parameters), replacing: replacing)
  }

  /// The corpus of `documents` sketched with `parameters`, keeping the fingerprint
  /// sets that segments store.
  private static func sketch(_ documents: [Document], parameters: IndexParameters) -> SketchedCorpus {
    CorpusSketcher(
      parameters: parameters.sketch, threads: min(ProcessInfo.processInfo.activeProcessorCount, 64),
      retention: .fingerprints
    ).sketch(documents: documents)
  }

  /// Throws `.duplicateID` for the first id that `documents` repeat.
  private static func checkUniqueIDs(_ documents: [Document], path: String) throws(IndexFileError) {
    var seen = Set<String>()
    for document in documents where !seen.insert(document.id).inserted {
      throw .duplicateID(path: path, id: document.id)
    }
  }

  /// Adds the documents of `corpus` as a new segment.
  /// - Parameter replacing: Whether documents whose ids are in the index already
  ///   replace them (else such an id is an error and nothing changes).
  /// - Returns: The number of documents replaced.
  @discardableResult
  package func add(_ corpus: SketchedCorpus, replacing: Bool = false) throws(IndexFileError) -> Int {
    guard corpus.documents.count > 0 else { return 0 }
    var manifest = index.manifest
    var removed: [UInt64] = []
    for id in corpus.documents.ids {
      if let (segment, document) = try index.location(ofID: id) {
        guard replacing else { throw .duplicateID(path: path, id: id) }
        removed.append(UInt64(segment) << 32 | UInt64(document))
      }
    }
    manifest.generation += 1
    manifest.tombstones = Array(Set(manifest.tombstones + removed)).sorted()
    manifest.segments.append(
      try Self.writeSegment(corpus, parameters: manifest.parameters, in: path, generation: manifest.generation))
    try install(manifest)
    if index.segments.count > maximumSegments { try mergeNewestSegments() }
    return removed.count
  }

  /// Removes the documents with ids `ids`; durable when this returns. Their space is
  /// reclaimed by `compact()` or a later merge.
  /// - Throws: `IndexFileError.unknownID` (and changes nothing) when an id is not in
  ///   the index, and I/O errors.
  /// - Complexity: O(ids·segments·log N) look-ups and a manifest write.
  public func remove(ids: [String]) throws(IndexFileError) {
    var manifest = index.manifest
    var tombstones = Set(manifest.tombstones)
    for id in ids {
      guard let (segment, document) = try index.location(ofID: id) else { throw .unknownID(path: path, id: id) }
      tombstones.insert(UInt64(segment) << 32 | UInt64(document))
    }
    manifest.generation += 1
    manifest.tombstones = tombstones.sorted()
    try install(manifest)
  }

  /// Rewrites all live documents into one segment and drops the removed ones;
  /// durable when this returns.
  /// - Throws: `IndexFileError` for I/O errors and damaged segments.
  /// - Complexity: O(N·(k + s + b) log N) for the N live documents.
  public func compact() throws(IndexFileError) {
    try merge(segments: 0..<index.segments.count)
  }

  /// Merges the newest segments, as the type's documentation describes.
  private func mergeNewestSegments() throws(IndexFileError) {
    let counts = index.segments.map(\.documentCount)
    var start = counts.count - 1
    var total = counts[start]
    while start > 0 && (total <= counts[start - 1] || counts.count - start < 2) {
      start -= 1
      total += counts[start]
    }
    try merge(segments: start..<counts.count)
  }

  /// Replaces segments `range` by one segment of their live documents.
  private func merge(segments range: Range<Int>) throws(IndexFileError) {
    let parameters = index.parameters
    let corpus = try index.sketchedCorpus(segments: range, retention: .fingerprints)
    var manifest = index.manifest
    manifest.generation += 1
    var segments = Array(manifest.segments[..<range.lowerBound])
    if corpus.documents.count > 0 || range.lowerBound == 0 && range.upperBound == manifest.segments.count {
      segments.append(try Self.writeSegment(corpus, parameters: parameters, in: path, generation: manifest.generation))
    }
    let merged = segments.count
    segments += manifest.segments[range.upperBound...]
    // Tombstones of merged segments are gone; those of later segments shift down.
    let shift = range.count - (merged - range.lowerBound)
    manifest.tombstones = manifest.tombstones.compactMap { tombstone in
      let segment = Int(tombstone >> 32)
      if segment < range.lowerBound { return tombstone }
      if range.contains(segment) { return nil }
      return UInt64(segment - shift) << 32 | (tombstone & 0xFFFF_FFFF)
    }
    manifest.segments = segments
    try install(manifest)
  }

  /// Commits `manifest`, switches to its view and deletes unreferenced files.
  private func install(_ manifest: IndexManifest) throws(IndexFileError) {
    try Self.commit(manifest, in: path)
    index = try LSHIndex.open(path)
    removeUnreferencedFiles()
  }

  // MARK: Files

  /// Takes the writer lock of the index directory.
  private static func lock(_ path: String) throws(IndexFileError) -> Int32 {
    let descriptor = open(path + "/LOCK", O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else {
      throw .io(path: path, reason: "cannot create LOCK: \(String(cString: strerror(errno)))")
    }
    guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
      close(descriptor)
      throw .locked(path: path)
    }
    return descriptor
  }

  /// Writes `corpus` to a new, synced segment file and returns its manifest entry.
  private static func writeSegment(
    _ corpus: SketchedCorpus, parameters: IndexParameters, in path: String, generation: UInt64
  )
    throws(IndexFileError) -> IndexManifest.SegmentEntry
  {
    let name =
      "seg-" + String(format: "%08llu", generation) + "-" + String(UInt32.random(in: 0...UInt32.max), radix: 16)
      + ".ndx"
    let temporary = path + "/." + name + ".tmp"
    try IndexSegment.write(corpus, parameters: parameters, to: temporary)
    guard rename(temporary, path + "/" + name) == 0 else {
      throw .io(path: path, reason: "cannot rename \(temporary): \(String(cString: strerror(errno)))")
    }
    try syncDirectory(path)
    let segment = try IndexSegment(path: path + "/" + name, name: name)
    return IndexManifest.SegmentEntry(
      name: name, documentCount: segment.documentCount, byteCount: segment.byteCount,
      headerChecksum: segment.headerChecksum)
  }

  /// Replaces the manifest atomically and durably.
  private static func commit(_ manifest: IndexManifest, in path: String) throws(IndexFileError) {
    let temporary = path + "/" + IndexManifest.fileName + ".tmp"
    let bytes = manifest.encoded()
    let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else { throw .io(path: temporary, reason: String(cString: strerror(errno))) }
    let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress!, $0.count) }
    let synced = fsync(descriptor)
    close(descriptor)
    guard written == bytes.count, synced == 0 else {
      throw .io(path: temporary, reason: "cannot write the manifest: \(String(cString: strerror(errno)))")
    }
    guard rename(temporary, path + "/" + IndexManifest.fileName) == 0 else {
      throw .io(path: path, reason: "cannot install the manifest: \(String(cString: strerror(errno)))")
    }
    try syncDirectory(path)
  }

  /// Makes renames in `path` durable.
  private static func syncDirectory(_ path: String) throws(IndexFileError) {
    let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    guard descriptor >= 0 else { throw .io(path: path, reason: String(cString: strerror(errno))) }
    defer { close(descriptor) }
    guard fsync(descriptor) == 0 else {
      throw .io(path: path, reason: "fsync failed: \(String(cString: strerror(errno)))")
    }
  }

  /// Deletes segment files the manifest does not name and temporary files of
  /// interrupted writers. Readers that still map a deleted segment keep reading it.
  private func removeUnreferencedFiles() {
    let referenced = Set(index.manifest.segments.map(\.name))
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: path) else { return }
    for name in names where !referenced.contains(name) {
      let isSegment = name.hasPrefix("seg-") && name.hasSuffix(".ndx")
      let isTemporary = (name.hasPrefix(".seg-") && name.hasSuffix(".tmp")) || name == IndexManifest.fileName + ".tmp"
      if isSegment || isTemporary { unlink(path + "/" + name) }
    }
  }
}
