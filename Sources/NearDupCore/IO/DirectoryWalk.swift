#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// One walk of a directory tree for the files a corpus is made of.
///
/// Symbolic links are followed, to files and to directories alike; a link that leads
/// back to a directory above it is a loop. Nothing is passed over in silence: a
/// subdirectory or file that cannot be read, a dangling link and a link loop are each
/// a `CorpusError` naming the entry — thrown, or with `skipsUnreadable` collected in
/// `skipped` while the walk goes on.
///
/// - Invariant: `files` holds the relative paths (joined with "/") of readable
///   regular files whose names `includes` accepts, in bytewise order, each once per
///   path that reaches it.
/// - Complexity: O(entries · log entries); one `stat` per entry.
struct DirectoryWalk {
  /// The accepted files, relative to the root, in bytewise order.
  private(set) var files: [String] = []
  /// With `skipsUnreadable`: the entries that could not be read, in bytewise order
  /// of their messages.
  private(set) var skipped: [CorpusError] = []

  private let root: String
  private let label: String
  private let includes: (String) -> Bool
  private let skipsUnreadable: Bool

  /// Walks the tree below `root`; messages name entries under `label`.
  /// - Throws: `CorpusError.unreadable` for the first entry that cannot be read,
  ///   unless `skipsUnreadable`; always when the root itself cannot be listed.
  init(root: String, label: String, skipsUnreadable: Bool, includes: @escaping (String) -> Bool) throws(CorpusError) {
    self.root = root
    self.label = label
    self.includes = includes
    self.skipsUnreadable = skipsUnreadable
    var status = stat()
    guard stat(root, &status) == 0 else { throw Self.problem(at: root, label: label) }
    var ancestors = [Identity(status)]
    guard let entries = Self.entries(of: root) else { throw .unreadable(path: label, reason: Self.lastError()) }
    try walk(entries: entries, relative: "", ancestors: &ancestors)
    files.sort(by: utf8Precedes)
    skipped.sort { utf8Precedes($0.description, $1.description) }
  }

  /// A directory's identity on disk, to recognise one reached again through a link.
  private struct Identity: Equatable {
    let device: UInt64
    let inode: UInt64
    init(_ status: stat) {
      device = UInt64(status.st_dev)
      inode = UInt64(status.st_ino)
    }
  }

  private mutating func walk(entries: [String], relative: String, ancestors: inout [Identity]) throws(CorpusError) {
    for name in entries {
      let entry = relative.isEmpty ? name : relative + "/" + name
      let full = joinPath(root, entry)
      var status = stat()
      guard stat(full, &status) == 0 else {
        try report(Self.problem(at: full, label: joinPath(label, entry)))
        continue
      }
      switch status.st_mode & S_IFMT {
      case S_IFDIR:
        let identity = Identity(status)
        if ancestors.contains(identity) {
          try report(
            .unreadable(
              path: joinPath(label, entry), reason: "symbolic link loop (it leads back to a directory above it)"))
          continue
        }
        guard let children = Self.entries(of: full) else {
          try report(.unreadable(path: joinPath(label, entry), reason: Self.lastError()))
          continue
        }
        ancestors.append(identity)
        try walk(entries: children, relative: entry, ancestors: &ancestors)
        ancestors.removeLast()
      case S_IFREG:
        guard includes(name) else { continue }
        guard access(full, R_OK) == 0 else {
          try report(.unreadable(path: joinPath(label, entry), reason: Self.lastError()))
          continue
        }
        files.append(entry)
      default:
        continue
      }
    }
  }

  private mutating func report(_ problem: CorpusError) throws(CorpusError) {
    guard skipsUnreadable else { throw problem }
    skipped.append(problem)
  }

  /// The names in a directory, without "." and ".."; nil when it cannot be listed
  /// (`errno` says why).
  private static func entries(of path: String) -> [String]? {
    guard let directory = opendir(path) else { return nil }
    defer { closedir(directory) }
    var names: [String] = []
    while true {
      errno = 0
      guard let entry = readdir(directory) else { break }
      let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
        String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
      }
      if name != "." && name != ".." { names.append(name) }
    }
    return errno == 0 ? names : nil
  }

  /// Why `stat` failed on `path`, which `lstat` may still see: a dangling link, a
  /// link loop, or the system's reason.
  static func problem(at path: String, label: String) -> CorpusError {
    let code = errno
    var status = stat()
    let isLink = lstat(path, &status) == 0 && status.st_mode & S_IFMT == S_IFLNK
    switch code {
    case ELOOP:
      return .unreadable(path: label, reason: "symbolic link loop")
    case ENOENT where isLink:
      return .unreadable(path: label, reason: "dangling symbolic link (its target does not exist)")
    case ENOENT:
      return .missingPath(path: label)
    default:
      return .unreadable(path: label, reason: String(cString: strerror(code)))
    }
  }

  private static func lastError() -> String { String(cString: strerror(errno)) }
}
