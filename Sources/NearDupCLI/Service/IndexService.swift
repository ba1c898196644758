import Foundation
import Hummingbird
import NIOCore
import NearDupCore
import Synchronization

/// The state behind `neardup serve`: the index writer, and the current read view
/// that queries use.
///
/// Queries read the current `LSHIndex` view without waiting for anything, in
/// parallel; changes go through this actor one at a time, and each publishes a new
/// view when its manifest is committed (and so durable on disk) — before the client
/// gets its response. A query that started before a change finishes on the view it
/// started with.
actor IndexService {
  private let writer: IndexWriter
  private let view: Mutex<LSHIndex>

  /// Opens the index at `path` for serving (taking its writer lock).
  init(path: String) throws {
    writer = try IndexWriter(opening: path)
    view = Mutex(writer.index)
  }

  /// The current read view.
  nonisolated var current: LSHIndex { view.withLock { $0 } }

  /// Adds documents; durable when this returns.
  func add(_ documents: [Document], replacing: Bool) throws -> Int {
    let parameters = writer.index.parameters
    let sketcher = CorpusSketcher(parameters: parameters.sketch, threads: 1, retention: .fingerprints)
    let corpus = sketcher.sketch(documents: documents)
    let replaced = try writer.add(corpus, replacing: replacing)
    view.withLock { $0 = writer.index }
    return replaced
  }

  /// Removes one document; durable when this returns.
  func remove(id: String) throws {
    try writer.remove(ids: [id])
    view.withLock { $0 = writer.index }
  }
}
