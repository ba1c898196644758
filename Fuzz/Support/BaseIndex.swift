import Foundation
@testable import NearDupCore

/// The small valid index the `index` target damages, built the same way by the
/// target (once per process) and by the seed builder, so that seeds and target
/// agree byte for byte: two segments of short documents from `Corpus/news.jsonl`
/// (16 permutations, 4 bands of 4 rows), one document removed, and the segment
/// files renamed to fixed names so that the manifest is the same on every build.
enum BaseIndex {
  /// The segment files, in manifest order.
  static let segmentNames = ["seg-1.ndx", "seg-2.ndx"]
  /// The files a fuzz input can replace: the manifest, then the segments.
  static let fileNames = [IndexManifest.fileName] + segmentNames
  /// Documents of the first and of the second segment.
  static let documentCounts = [8, 4]

  static let parameters: IndexParameters = {
    do {
      let sketch = try SketchParameters(permutationCount: 16)
      let lsh = try LSHParameters(bands: 4, rows: 4, permutationCount: 16)
      return try IndexParameters(sketch: sketch, threshold: 0.5, measure: .jaccard, lsh: lsh)
    } catch {
      Fuzz.fail("invalid base index parameters: \(error)")
    }
  }()

  /// The documents, title and start of the body.
  static let documents = Fuzz.corpusDocuments(count: documentCounts.reduce(0, +), characters: 300)

  /// Builds the index in the empty or missing directory `path` and returns the
  /// bytes of its files, by name.
  static func build(at path: String) -> [String: [UInt8]] {
    func sketch(_ documents: ArraySlice<Document>) -> SketchedCorpus {
      CorpusSketcher(parameters: parameters.sketch, threads: 1, retention: .fingerprints).sketch(
        documents: Array(documents))
    }
    let first = documents[..<documentCounts[0]]
    let second = documents[documentCounts[0]...]
    do {
      let writer = try IndexWriter(creating: path, corpus: sketch(first), parameters: parameters)
      try writer.add(sketch(second))
      try writer.remove(ids: [documents[1].id])
      var manifest = writer.index.manifest
      Fuzz.expect(
        manifest.segments.count == segmentNames.count, "the base index has \(manifest.segments.count) segments")
      for (index, name) in segmentNames.enumerated() {
        try FileManager.default.moveItem(atPath: path + "/" + manifest.segments[index].name, toPath: path + "/" + name)
        manifest.segments[index].name = name
      }
      Fuzz.writeFile(path + "/" + IndexManifest.fileName, manifest.encoded())
      try? FileManager.default.removeItem(atPath: path + "/LOCK")
    } catch {
      Fuzz.fail("cannot build the base index at \(path): \(error)")
    }
    var files: [String: [UInt8]] = [:]
    for name in fileNames { files[name] = Fuzz.readFile(path + "/" + name) }
    return files
  }
}
