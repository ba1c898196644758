/// A problem with an index directory or one of its files. Every case names the path,
/// and a damaged file is reported instead of being read: an index never crashes a
/// reader and never answers from corrupt data.
public enum IndexFileError: Error, Equatable, CustomStringConvertible {
  /// There is no index at the path.
  case missing(path: String)
  /// The index at `path` lists a segment file that does not exist.
  case missingSegment(path: String, segment: String)
  /// A file does not start with NearDup's magic bytes.
  case foreignFile(path: String)
  /// A file was written by a newer NearDup.
  case newerFormat(path: String, version: UInt32, supported: UInt32)
  /// A file was written by an older NearDup, whose fingerprints this one cannot match.
  case olderFormat(path: String, version: UInt32, supported: UInt32)
  /// A file is shorter than its header says.
  case truncated(path: String, expectedBytes: Int, actualBytes: Int)
  /// A checksum or a structural check failed.
  case corrupt(path: String, reason: String)
  /// An option conflicts with the parameters stored in the index.
  case parameterMismatch(path: String, name: String, stored: String, given: String)
  /// `build` was asked to create an index where one exists.
  case alreadyExists(path: String)
  /// An id to add is already in the index.
  case duplicateID(path: String, id: String)
  /// An id to remove or show is not in the index.
  case unknownID(path: String, id: String)
  /// Another process is writing the index.
  case locked(path: String)
  /// An operating-system error.
  case io(path: String, reason: String)

  /// The problem, naming the path, with what to do about it.
  public var description: String {
    switch self {
    case .missing(let path):
      "\(path): no NearDup index here (create one with `neardup index build INPUT --index \(path)`)"
    case .missingSegment(let path, let segment):
      "\(path): damaged index: its manifest lists segment file \(segment), which is missing "
        + "(restore the file, or rebuild the index with `neardup index build`)"
    case .foreignFile(let path):
      "\(path): not a NearDup index file (wrong magic bytes)"
    case .newerFormat(let path, let version, let supported):
      "\(path): index format version \(version) is newer than this NearDup supports (\(supported)); upgrade NearDup"
    case .olderFormat(let path, let version, let supported):
      "\(path): index format version \(version) was written by an older NearDup whose shingle fingerprints differ from "
        + "this one's (format \(supported)); rebuild the index with `neardup index`"
    case .truncated(let path, let expected, let actual):
      "\(path): truncated: \(actual) bytes, the header expects \(expected)"
    case .corrupt(let path, let reason):
      "\(path): corrupt index file: \(reason)"
    case .parameterMismatch(let path, let name, let stored, let given):
      "\(path): built with \(name) \(stored), but \(given) was given (drop the option, or rebuild the index)"
    case .alreadyExists(let path):
      "\(path): an index exists already (add documents with `neardup index add`, or remove the directory)"
    case .duplicateID(let path, let id):
      "\(path): id \"\(id)\" is already in the index (use --replace to replace it)"
    case .unknownID(let path, let id):
      "\(path): no document with id \"\(id)\" in the index"
    case .locked(let path):
      "\(path): another process is writing this index; try again when it has finished"
    case .io(let path, let reason):
      "\(path): \(reason)"
    }
  }
}
