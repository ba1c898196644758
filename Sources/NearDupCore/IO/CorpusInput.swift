import Foundation

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
  /// The longest line of a line-oriented input, in bytes (1 GiB; tests lower it).
  var maximumLineLength = LineReader.defaultMaximumLineLength

  /// The defaults: fields `id`, `text`, `title`; invalid records are errors.
  public init() {}
}

/// One input the user named, with how it will be read.
public struct CorpusInput: Sendable, Equatable {
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

  /// Creates an input of a known kind.
  public init(path: String, kind: Kind, label: String? = nil) {
    self.path = path
    self.kind = kind
    self.label = label ?? (path == "-" ? "<stdin>" : path)
  }

  /// Decides how to read `path`: a directory is a directory of documents; with
  /// `linesAreDocuments` a file (or "-") holds one document per line; a `.txt`,
  /// `.md` or `.markdown` file (optionally `.gz`) is one document; anything else is
  /// JSON Lines. Gzip data is recognised by content, not name.
  /// - Throws: `CorpusError.missingPath` when nothing exists at `path`.
  public static func resolve(_ path: String, options: CorpusOptions) throws(CorpusError) -> CorpusInput {
    if path == "-" { return CorpusInput(path: path, kind: options.linesAreDocuments ? .lines : .jsonLines) }
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
      throw .missingPath(path: path)
    }
    if isDirectory.boolValue { return CorpusInput(path: path, kind: .directory) }
    guard FileManager.default.isReadableFile(atPath: path) else {
      throw .unreadable(path: path, reason: "permission denied")
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
  /// document order (and so every output) does not depend on the file system.
  public func directoryDocuments() throws(CorpusError) -> [String] {
    let files = try directoryListing().textDocuments
    guard !files.isEmpty else { throw .emptyDirectory(path: path) }
    return files
  }

  /// The regular files below this directory, in one walk, each list in bytewise
  /// order of the relative paths: the JSON Lines shards (`.jsonl`, `.ndjson`, maybe
  /// `.gz`) as inputs labelled `directory/relative` — a corpus split into shards is
  /// read as their concatenation — and the text documents as relative paths.
  public func directoryListing() throws(CorpusError) -> (jsonLinesShards: [CorpusInput], textDocuments: [String]) {
    guard let enumerator = FileManager.default.enumerator(atPath: path) else {
      throw .unreadable(path: path, reason: "cannot list directory")
    }
    var shards: [String] = []
    var documents: [String] = []
    while let relative = enumerator.nextObject() as? String {
      let isShard = Self.isJSONLinesName(relative)
      guard isShard || Self.isTextDocumentName(relative) else { continue }
      var isDirectory: ObjCBool = false
      let full = (path as NSString).appendingPathComponent(relative)
      guard FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
      if isShard { shards.append(relative) } else { documents.append(relative) }
    }
    let shardInputs = shards.sorted(by: utf8Precedes).map { relative in
      CorpusInput(
        path: (path as NSString).appendingPathComponent(relative), kind: .jsonLines,
        label: (label as NSString).appendingPathComponent(relative))
    }
    return (shardInputs, documents.sorted(by: utf8Precedes))
  }
}
