import Foundation

/// A new private directory under the system's temporary directory, removed with
/// everything in it when the value is released.
///
/// Made by `mkdtemp(3)`: a fresh name, mode 0700, never an existing path, so that
/// nothing planted in the shared temporary directory is written through or removed.
/// `neardup bench` writes its synthetic corpus into one, and the tests make their
/// scratch files in one.
///
/// - Invariant: `path` names a directory this value created; removal does not follow
///   symbolic links inside it.
package final class TemporaryDirectory {
  /// The directory's absolute path.
  package let path: String

  /// Creates the directory `<system temporary directory>/<prefix>XXXXXX`.
  /// - Throws: `OutputError.cannotCreate` when the directory cannot be made.
  package init(prefix: String = "neardup-") throws(OutputError) {
    let parent = NSTemporaryDirectory()
    var template = Array((parent + prefix + "XXXXXX").utf8CString)
    guard let made = mkdtemp(&template) else {
      throw .cannotCreate(path: parent, reason: String(cString: strerror(errno)))
    }
    path = String(cString: made)
  }

  deinit {
    try? FileManager.default.removeItem(atPath: path)
  }

  /// The path of `name` inside the directory.
  package func file(_ name: String) -> String { path + "/" + name }

  /// Writes `contents` as UTF-8 to `name` inside the directory, creating its
  /// subdirectories, and returns the full path.
  @discardableResult
  package func write(_ name: String, _ contents: String) throws -> String {
    try write(name, Data(contents.utf8))
  }

  /// Writes `contents` to `name` inside the directory, creating its subdirectories,
  /// and returns the full path.
  @discardableResult
  package func write(_ name: String, _ contents: Data) throws -> String {
    let full = file(name)
    try FileManager.default.createDirectory(
      atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    try contents.write(to: URL(fileURLWithPath: full))
    return full
  }

  /// The UTF-8 text of `name` inside the directory.
  package func read(_ name: String) throws -> String { try String(contentsOfFile: file(name), encoding: .utf8) }

  /// Whether `name` exists inside the directory.
  package func exists(_ name: String) -> Bool { FileManager.default.fileExists(atPath: file(name)) }
}
