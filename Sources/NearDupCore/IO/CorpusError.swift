/// A problem with the user's input files, reported compiler-style as
/// `path:line: what is wrong`, with a hint where one helps.
public enum CorpusError: Error, Equatable, CustomStringConvertible {
  /// The path does not exist.
  case missingPath(path: String)
  /// The path exists but cannot be opened or read.
  case unreadable(path: String, reason: String)
  /// A directory holds no `.txt` or `.md` files.
  case emptyDirectory(path: String)
  /// A file that should be text contains NUL bytes.
  case binaryFile(path: String)
  /// A gzip stream is corrupt or truncated.
  case corruptCompressedData(path: String, reason: String)
  /// A line is not a valid JSON object, or lacks what NearDup needs.
  case malformedLine(path: String, line: Int, reason: String)
  /// Two records share an id.
  case duplicateID(id: String, path: String, line: Int, firstPath: String, firstLine: Int)
  /// A record's id is already in the index it is being added to.
  case idInIndex(id: String, path: String, line: Int, index: String)
  /// A line or file of `bytes` bytes is over the per-document limit.
  case oversizedRecord(path: String, line: Int, bytes: Int, limit: Int)
  /// The inputs held no documents at all.
  case noDocuments(paths: [String])

  /// The problem as `path:line: what is wrong`, with a hint where one helps.
  public var description: String {
    switch self {
    case .missingPath(let path):
      "\(path): no such file or directory"
    case .unreadable(let path, let reason):
      "\(path): cannot read: \(reason)"
    case .emptyDirectory(let path):
      "\(path): directory holds no .txt or .md documents"
    case .binaryFile(let path):
      "\(path): binary file (it contains NUL bytes); NearDup reads UTF-8 text, JSON Lines or gzip"
    case .corruptCompressedData(let path, let reason):
      "\(path): corrupt gzip data: \(reason)"
    case .malformedLine(let path, let line, let reason):
      "\(path):\(line): \(reason)"
    case .duplicateID(let id, let path, let line, let firstPath, let firstLine):
      "\(Self.location(path, line)): duplicate id \"\(id)\", first used at \(Self.location(firstPath, firstLine))"
    case .idInIndex(let id, let path, let line, let index):
      "\(Self.location(path, line)): id \"\(id)\" is already in the index \(index) (add --replace to replace it)"
    case .oversizedRecord(let path, let line, let bytes, let limit):
      "\(Self.location(path, line)): document of \(bytes) bytes exceeds the limit of \(Self.byteCount(limit)) "
        + "(raise it with --max-document-bytes, or skip such documents with --skip-invalid)"
    case .noDocuments(let paths):
      "\(paths.joined(separator: ", ")): no documents found"
    }
  }

  /// `bytes` in the largest binary unit that divides it: "64 MiB", "1500 bytes".
  static func byteCount(_ bytes: Int) -> String {
    for (shift, unit) in [(30, "GiB"), (20, "MiB"), (10, "KiB")] where bytes >= 1 << shift && bytes % (1 << shift) == 0
    {
      return "\(bytes >> shift) \(unit)"
    }
    return "\(bytes) bytes"
  }

  /// `path:line`, or just `path` for whole-file documents (line 0).
  static func location(_ path: String, _ line: Int) -> String {
    line > 0 ? "\(path):\(line)" : path
  }
}
