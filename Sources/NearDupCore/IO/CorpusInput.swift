#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// How NearDup reads a corpus.
public struct CorpusOptions: Sendable, Equatable {
  /// The JSON field holding a record's id (a string or a number).
  public var idField = "id"
  /// The JSON field holding a record's body text.
  public var textField = "text"
  /// The JSON field holding a record's title, shingled together with the body
  /// when present.
  public var titleField = "title"
  /// A JSON field holding each record's true group (a story label), read for
  /// evaluation; nil reads none.
  public var labelField: String?
  /// Whether a file holds one document per line rather than JSON Lines or a single
  /// document.
  public var linesAreDocuments = false
  /// Whether invalid records are skipped and counted instead of stopping the run.
  public var skipsInvalidRecords = false
  /// The largest document accepted, in bytes: a JSON Lines record or a line of
  /// `--lines` input (its bytes before the line end), or a whole text file
  /// (decompressed). A larger one is an error naming it, or with
  /// `skipsInvalidRecords` is skipped and counted; its bytes are read past, never
  /// held. Sketching holds several working copies of a document (decoded, cleaned,
  /// normalized, its shingle set), so the limit bounds the memory one document can
  /// take.
  public var maximumDocumentBytes = defaultMaximumDocumentBytes

  /// The default per-document limit: 64 MiB, far above any news article.
  public static let defaultMaximumDocumentBytes = 64 << 20

  /// The defaults: fields `id`, `text`, `title`; invalid records are errors.
  public init() {}
}

/// One input the user named, with how it will be read.
package struct CorpusInput: Sendable, Equatable {
  /// How the input's bytes become documents.
  public enum Kind: Sendable, Equatable {
    /// One JSON object per line.
    case jsonLines
    /// One document per line; the id is the line number.
    case lines
    /// One whole file is one document; the id is its path.
    case textFile
    /// Every `.txt`, `.md` and `.markdown` file below it (recursively, optionally
    /// gzip-compressed) is one document; the id is the relative path. (A directory
    /// of JSON Lines shards is read as `.jsonLines` inputs instead; see
    /// `directoryListing()`.)
    case directory
  }

  /// The path read from; "-" is standard input.
  public let path: String
  /// How it is read.
  public let kind: Kind
  /// The name used in messages and line ids: the path as the user gave it, or
  /// "<stdin>" for standard input (also once it has been saved to a file).
  public let label: String
  /// Entries of the directory this input came from that could not be read and
  /// were skipped (with `CorpusOptions.skipsInvalidRecords`); the reader counts them
  /// as skipped when it reaches this input.
  public var skippedEntries: [CorpusError] = []

  /// Creates an input of a known kind.
  public init(path: String, kind: Kind, label: String? = nil) {
    self.path = path
    self.kind = kind
    self.label = label ?? (path == "-" ? "<stdin>" : path)
  }

  /// Decides how to read `path`: a directory is a directory of documents; with
  /// `linesAreDocuments` a file (or "-") holds one document per line; a `.txt`,
  /// `.md` or `.markdown` file (optionally `.gz`) is one document; anything else is
  /// JSON Lines. Gzip data is recognised by content, not name. Symbolic links are
  /// followed.
  /// - Throws: `CorpusError.missingPath` when nothing exists at `path`;
  ///   `.unreadable` for a dangling link, a link loop or a file that cannot be read.
  public static func resolve(_ path: String, options: CorpusOptions) throws(CorpusError) -> CorpusInput {
    if path == "-" { return CorpusInput(path: path, kind: options.linesAreDocuments ? .lines : .jsonLines) }
    var status = stat()
    guard stat(path, &status) == 0 else { throw DirectoryWalk.problem(at: path, label: path) }
    if status.st_mode & S_IFMT == S_IFDIR { return CorpusInput(path: path, kind: .directory) }
    guard access(path, R_OK) == 0 else {
      throw .unreadable(path: path, reason: String(cString: strerror(errno)))
    }
    if options.linesAreDocuments { return CorpusInput(path: path, kind: .lines) }
    return CorpusInput(path: path, kind: isTextDocumentName(path) ? .textFile : .jsonLines)
  }

  /// Whether a file name marks a plain-text document: `.txt`, `.md` or `.markdown`,
  /// optionally followed by `.gz`.
  static func isTextDocumentName(_ path: String) -> Bool {
    var name = path.lowercased()
    if name.hasSuffix(".gz") { name.removeLast(3) }
    return name.hasSuffix(".txt") || name.hasSuffix(".md") || name.hasSuffix(".markdown")
  }

  /// Whether a file name marks a JSON Lines shard: `.jsonl` or `.ndjson`, optionally
  /// followed by `.gz`.
  static func isJSONLinesName(_ path: String) -> Bool {
    var name = path.lowercased()
    if name.hasSuffix(".gz") { name.removeLast(3) }
    return name.hasSuffix(".jsonl") || name.hasSuffix(".ndjson")
  }

  /// The documents of a directory, as paths relative to it, sorted bytewise so that
  /// document order (and so every output) does not depend on the file system; and,
  /// with `skippingUnreadable`, the entries that could not be read.
  /// - Throws: `CorpusError.emptyDirectory` when it holds no documents; the first
  ///   unreadable entry (see `DirectoryWalk`) unless skipping.
  func directoryDocuments(skippingUnreadable: Bool) throws(CorpusError) -> (documents: [String], skipped: [CorpusError])
  {
    let listing = try directoryListing(skippingUnreadable: skippingUnreadable)
    guard !listing.textDocuments.isEmpty else { throw listing.skipped.first ?? .emptyDirectory(path: label) }
    return (listing.textDocuments, listing.skipped)
  }

  /// The regular files below this directory, in one walk (symbolic links followed),
  /// each list in bytewise order of the relative paths: the JSON Lines shards
  /// (`.jsonl`, `.ndjson`, maybe `.gz`) as inputs labelled `directory/relative` — a
  /// corpus split into shards is read as their concatenation — and the text
  /// documents as relative paths. With `skippingUnreadable`, entries that cannot be
  /// read (an unreadable file or subdirectory, a dangling link, a link loop) are
  /// returned in `skipped` instead of thrown.
  /// - Throws: `CorpusError.unreadable` naming the first such entry, unless skipping.
  public func directoryListing(skippingUnreadable: Bool = false) throws(CorpusError) -> (
    jsonLinesShards: [CorpusInput], textDocuments: [String], skipped: [CorpusError]
  ) {
    let walk = try DirectoryWalk(root: path, label: label, skipsUnreadable: skippingUnreadable) { name in
      Self.isJSONLinesName(name) || Self.isTextDocumentName(name)
    }
    var shardInputs: [CorpusInput] = []
    var documents: [String] = []
    for relative in walk.files {
      if Self.isJSONLinesName(relative) {
        shardInputs.append(
          CorpusInput(path: joinPath(path, relative), kind: .jsonLines, label: joinPath(label, relative)))
      } else {
        documents.append(relative)
      }
    }
    return (shardInputs, documents, walk.skipped)
  }
}
