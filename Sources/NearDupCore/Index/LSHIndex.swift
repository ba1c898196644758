import Foundation

/// A read-only view of an on-disk index: the segments and tombstones of one manifest
/// generation, memory-mapped.
///
/// Opening reads the manifest and the headers of the segments — O(segments) small
/// reads, independent of the number of documents — so an index of a million documents
/// opens in milliseconds. A view stays consistent while writers change the index: it
/// keeps its segments mapped even after a writer replaces or removes them.
///
/// ```swift
/// let index = try LSHIndex.open("news.ndx")
/// let matches = try index.query(Document(id: "q", text: "North Korea's top diplomat…"))
/// var querier = IndexQuerier(index: index)  // reuses its buffers from query to query
/// let more = try querier.query(text: "…", options: QueryOptions(top: 5))
/// ```
///
/// Build an index, and change it, with `IndexWriter`.
///
/// - Invariant: every segment matches its manifest entry (name, size, header
///   checksum, document count) and carries the manifest's parameters.
public final class LSHIndex: Sendable {
  /// The index directory.
  public let path: String
  /// The parameters the index was built with, which every change and query reuses.
  public let parameters: IndexParameters
  /// The manifest generation this view shows: one more with every change.
  public let generation: UInt64
  /// The segments, oldest first; global document order is segment order, then
  /// position within the segment.
  package let segments: [IndexSegment]
  /// Removed documents, as `segment << 32 | document`.
  let tombstones: Set<UInt64>
  let manifest: IndexManifest

  /// The number of live documents (stored minus removed).
  /// - Complexity: O(segments).
  public var documentCount: Int { segments.reduce(0) { $0 + $1.documentCount } - tombstones.count }

  init(path: String, manifest: IndexManifest, segments: [IndexSegment]) {
    self.path = path
    self.manifest = manifest
    self.parameters = manifest.parameters
    self.generation = manifest.generation
    self.segments = segments
    self.tombstones = Set(manifest.tombstones)
  }

  /// Opens the index in directory `path` for reading. Readers take no lock: any
  /// number of them can read while one writer changes the index.
  /// - Throws: `IndexFileError.missing` when there is none, and the errors of
  ///   damaged files.
  /// - Complexity: O(segments) small reads, whatever the number of documents.
  public static func open(_ path: String) throws(IndexFileError) -> LSHIndex {
    var attempts = 0
    while true {
      let manifest = try readManifest(path)
      do {
        return LSHIndex(path: path, manifest: manifest, segments: try openSegments(of: manifest, in: path))
      } catch .missing(let segmentPath) where segmentPath != path {
        // A writer may have replaced the manifest and removed its old segments
        // between our two reads: read the new manifest. The same file missing
        // again and again is damage.
        attempts += 1
        guard attempts < 5 else {
          throw .missingSegment(path: path, segment: String(segmentPath.dropFirst(path.count + 1)))
        }
        continue
      }
    }
  }

  /// Reads and checks `path/MANIFEST`.
  static func readManifest(_ path: String) throws(IndexFileError) -> IndexManifest {
    let manifestPath = path + "/" + IndexManifest.fileName
    let descriptor = Glibc.open(manifestPath, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else {
      if errno == ENOENT { throw .missing(path: path) }
      throw .io(path: manifestPath, reason: "cannot read: \(String(cString: strerror(errno)))")
    }
    defer { close(descriptor) }
    // A manifest is small (a few dozen bytes per segment and tombstone): read it whole.
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
      let count = read(descriptor, &chunk, chunk.count)
      if count == 0 { break }
      if count < 0 {
        if errno == EINTR { continue }
        throw .io(path: manifestPath, reason: "cannot read: \(String(cString: strerror(errno)))")
      }
      bytes += chunk[0..<count]
    }
    return try IndexManifest.decode(bytes, path: manifestPath)
  }

  /// Maps every segment of `manifest` and checks it against its entry.
  static func openSegments(of manifest: IndexManifest, in path: String) throws(IndexFileError) -> [IndexSegment] {
    var segments: [IndexSegment] = []
    for entry in manifest.segments {
      let segmentPath = path + "/" + entry.name
      let segment = try IndexSegment(path: segmentPath, name: entry.name)
      guard segment.headerChecksum == entry.headerChecksum, segment.byteCount == entry.byteCount,
        segment.documentCount == entry.documentCount
      else { throw .corrupt(path: segmentPath, reason: "segment does not match the manifest") }
      guard segment.parameters == manifest.parameters else {
        throw .corrupt(path: segmentPath, reason: "segment parameters differ from the manifest's")
      }
      segments.append(segment)
    }
    return segments
  }

  /// Whether document `document` of segment `segment` has been removed.
  @inline(__always)
  func isRemoved(segment: Int, document: Int) -> Bool {
    !tombstones.isEmpty && tombstones.contains(UInt64(segment) << 32 | UInt64(document))
  }

  /// The live document with id `id` as (segment, document), if any.
  /// - Complexity: O(segments · log N).
  package func location(ofID id: String) throws(IndexFileError) -> (segment: Int, document: Int)? {
    for (index, segment) in segments.enumerated().reversed() {
      if let document = try segment.document(withID: id), !isRemoved(segment: index, document: document) {
        return (index, document)
      }
    }
    return nil
  }

  /// What an index stores about a document besides its sketch: its id, preview and
  /// sizes (not its text).
  public struct StoredDocument: Sendable, Equatable {
    /// The document's id.
    public let id: String
    /// The start of its title (or text).
    public let preview: String
    /// Its tokens after normalization.
    public let tokenCount: Int
    /// Its distinct shingles.
    public let shingleCount: Int
    /// The name of the segment file that holds it.
    public let segment: String
  }

  /// The stored documents similar to `document`, ranked by similarity (then id); see
  /// `IndexQuerier.query(_:options:)`, which this calls with a new querier. Use one
  /// querier for many queries on one thread.
  /// - Throws: `IndexFileError` when a segment turns out to be damaged.
  /// - Complexity: O(b·segments·log N) lookups plus O(c·(k + s)) for c candidates.
  public func query(_ document: Document, options: QueryOptions = QueryOptions()) throws(IndexFileError)
    -> [QueryMatch]
  {
    var querier = IndexQuerier(index: self)
    return try querier.query(document, options: options)
  }

  /// The live document with id `id`, if any.
  /// - Throws: `IndexFileError` when a segment turns out to be damaged.
  /// - Complexity: O(segments · log N).
  public func document(withID id: String) throws(IndexFileError) -> StoredDocument? {
    guard let (segmentIndex, document) = try location(ofID: id) else { return nil }
    let segment = segments[segmentIndex]
    return StoredDocument(
      id: id, preview: try segment.preview(document), tokenCount: try segment.tokenCount(document),
      shingleCount: try segment.shingleCount(document), segment: segment.name)
  }

  /// Every live document, sketched, in global order: what `neardup cluster --index`
  /// clusters without re-reading texts.
  /// - Parameter retention: The sets to keep (digests for exact verification).
  /// - Complexity: O(N·(k + s)) time and memory.
  ///   - boilerplateShare: Drop the shingles found in at least this share of the
  ///     first `boilerplateSample` documents (nil: keep every shingle), recomputing
  ///     the signatures of the documents that lose some — exactly what `cluster`
  ///     does reading the same documents.
  package func sketchedCorpus(
    retention: SetRetention = .digests, boilerplateShare: Double? = nil, boilerplateSample: Int = 20_000
  ) throws(IndexFileError) -> SketchedCorpus {
    var stopShingles = StopShingles.empty
    if let share = boilerplateShare {
      var tally = ShingleTally()
      var set: [UInt64] = []
      for (segmentIndex, segment) in segments.enumerated() where tally.documents < boilerplateSample {
        for document in 0..<segment.documentCount
        where tally.documents < boilerplateSample && !isRemoved(segment: segmentIndex, document: document) {
          try segment.fingerprints(document, into: &set)
          tally.add(document: set)
        }
      }
      stopShingles = StopShingles(
        tallies: [tally], share: share, minimumDocuments: BoilerplateLearning.defaultMinimumDocuments,
        threads: ProcessInfo.processInfo.activeProcessorCount)
    }
    var corpus = try sketchedCorpus(segments: 0..<segments.count, retention: retention, stopShingles: stopShingles)
    corpus.statistics.boilerplateShingles = stopShingles.count
    return corpus
  }

  /// The live documents of `range` of the segments, sketched, in order, without
  /// `stopShingles`.
  func sketchedCorpus(segments range: Range<Int>, retention: SetRetention, stopShingles: StopShingles = .empty)
    throws(IndexFileError) -> SketchedCorpus
  {
    let k = parameters.sketch.permutationCount
    let minHasher = MinHasher(parameters.sketch)
    var corpus = SketchedCorpus(permutationCount: k, retention: retention)
    var signature = [UInt32](repeating: 0, count: k)
    var set: [UInt64] = []
    for segmentIndex in range {
      let segment = segments[segmentIndex]
      for document in 0..<segment.documentCount where !isRemoved(segment: segmentIndex, document: document) {
        try segment.fingerprints(document, into: &set)
        let before = set.count
        stopShingles.filter(&set)
        if set.count == before {
          try signature.withUnsafeMutableBufferPointer { (buffer) throws(IndexFileError) in
            try segment.signature(document, into: buffer)
          }
        } else {
          set.withUnsafeBufferPointer { set in
            signature.withUnsafeMutableBufferPointer { minHasher.sketch(set, into: $0) }
          }
        }
        let id = try segment.id(document)
        let preview = try segment.preview(document)
        let tokens = try segment.tokenCount(document)
        let key = try segment.contentKey(document)
        signature.withUnsafeBufferPointer { signature in
          set.withUnsafeBufferPointer { set in
            corpus.append(
              id: id, preview: preview,
              location: DocumentLocation(input: Int32(segmentIndex), line: Int32(truncatingIfNeeded: document + 1)),
              tokenCount: tokens, contentKey: key, signature: signature, fingerprints: set)
          }
        }
        if set.isEmpty { corpus.statistics.emptyDocuments += 1 }
      }
    }
    return corpus
  }

  /// Sizes and parameters for `neardup index stats`.
  package struct Statistics: Sendable {
    package var documents: Int
    package var removed: Int
    package var segments: [(name: String, documents: Int, bytes: Int)]
    package var bytes: Int
    package var generation: UInt64
    package var parameters: IndexParameters
  }

  /// The index's statistics; `bytes` counts every file of the index on disk.
  package func statistics() -> Statistics {
    var bytes = 0
    if let names = try? FileManager.default.contentsOfDirectory(atPath: path) {
      for name in names {
        let attributes = try? FileManager.default.attributesOfItem(atPath: path + "/" + name)
        bytes += (attributes?[.size] as? Int) ?? 0
      }
    }
    return Statistics(
      documents: documentCount, removed: tombstones.count,
      segments: segments.map { ($0.name, $0.documentCount, $0.byteCount) }, bytes: bytes, generation: generation,
      parameters: parameters)
  }
}
