import ArgumentParser
import Foundation
import NearDupCore

extension ShingleKind: ExpressibleByArgument {}
extension SimilarityMeasure: ExpressibleByArgument {}
extension VerificationMethod: ExpressibleByArgument {}
extension KeepPolicy: ExpressibleByArgument {}
extension ClusterOutputFormat: ExpressibleByArgument {}

/// How to read the corpus: shared by every command that reads documents.
struct CorpusOptionGroup: ParsableArguments {
  @Option(help: "JSON field holding each record's id.")
  var idField = "id"

  @Option(help: "JSON field holding each record's body text.")
  var textField = "text"

  @Option(help: "JSON field holding each record's title (shingled with the body when present).")
  var titleField = "title"

  @Flag(help: "Read files (and standard input) as one document per line; the id is the line number.")
  var lines = false

  @Flag(help: "Skip malformed records and duplicate ids, counting them in the report, instead of stopping.")
  var skipInvalid = false

  var corpusOptions: CorpusOptions {
    var options = CorpusOptions()
    options.idField = idField
    options.textField = textField
    options.titleField = titleField
    options.linesAreDocuments = lines
    options.skipsInvalidRecords = skipInvalid
    return options
  }
}

/// How documents are shingled and sketched: shared by every command that sketches.
struct SketchOptionGroup: ParsableArguments {
  @Option(help: "Shingle kind: word n-grams, or char n-grams (for headlines and scripts without spaces).")
  var shingle: ShingleKind = .word

  @Option(help: "The n of the shingle n-grams.")
  var ngram = 5

  @Option(help: "MinHash permutations k (32-bit slots per signature).")
  var permutations = 128

  @Option(help: "Seed of the MinHash permutation family.")
  var seed: UInt64 = 1

  @Flag(inversion: .prefixedNo, help: "Split words glued by scraping where a lowercase letter meets an uppercase one.")
  var splitGluedWords = true

  func validate() throws {
    guard ngram >= 1 else { throw ValidationError("--ngram must be at least 1 (got \(ngram)).") }
    guard (1...4096).contains(permutations) else {
      throw ValidationError("--permutations must be in 1...4096 (got \(permutations)).")
    }
  }

  func parameters() throws -> SketchParameters {
    try SketchParameters(
      shingle: shingle, shingleSize: ngram, permutationCount: permutations, seed: seed,
      splitsGluedWords: splitGluedWords)
  }
}

/// Turns INPUT arguments into corpus inputs, with the embedded `Corpus/` as default.
enum InputResolver {
  /// The inputs for `paths`, or the JSON Lines files of the default corpus when
  /// `paths` is empty.
  static func resolve(_ paths: [String], options: CorpusOptions) throws -> [CorpusInput] {
    if paths.isEmpty {
      guard let corpus = defaultCorpusDirectory() else {
        throw ValidationError(
          "No INPUT given and the default corpus Corpus/ was not found; run from the NearDup checkout or name a corpus file.")
      }
      let files = try FileManager.default.contentsOfDirectory(atPath: corpus)
        .filter { $0.hasSuffix(".jsonl") }.sorted()
      return files.map { CorpusInput(path: corpus + "/" + $0, kind: .jsonLines, label: "Corpus/" + $0) }
    }
    if paths.filter({ $0 == "-" }).count > 1 { throw ValidationError("Standard input (-) can be named only once.") }
    return try paths.map { path throws in try CorpusInput.resolve(path, options: options) }
  }

  /// `Corpus/` in the working directory, else next to the executable's checkout,
  /// else in the source tree this binary was built from.
  static func defaultCorpusDirectory() -> String? {
    var candidates = [FileManager.default.currentDirectoryPath + "/Corpus"]
    var directory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
    for _ in 0..<5 {
      candidates.append(directory.appendingPathComponent("Corpus").path)
      directory = directory.deletingLastPathComponent()
    }
    let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent()
    candidates.append(source.appendingPathComponent("Corpus").path)
    return candidates.first { FileManager.default.fileExists(atPath: $0 + "/news.jsonl") }
  }

  /// Refuses output paths that would overwrite an input or each other.
  static func checkOutputs(_ outputs: [(flag: String, path: String)], inputs: [CorpusInput]) throws {
    var seen: [String: String] = [:]
    let inputPaths = Set(inputs.filter { $0.path != "-" }.map { canonicalPath($0.path) })
    for (flag, path) in outputs where path != "-" {
      let canonical = canonicalPath(path)
      if inputPaths.contains(canonical) {
        throw ValidationError("\(flag) \(path) is an input file; NearDup never overwrites its input.")
      }
      if let other = seen[canonical] { throw ValidationError("\(flag) and \(other) both write \(path).") }
      var isDirectory: ObjCBool = false
      if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
        throw ValidationError("\(flag) \(path) is a directory; name a file.")
      }
      seen[canonical] = flag
    }
  }

  /// The absolute path with symlinks resolved, also for a file that does not exist yet.
  static func canonicalPath(_ path: String) -> String {
    let url = URL(fileURLWithPath: path).standardizedFileURL
    if FileManager.default.fileExists(atPath: url.path) { return url.resolvingSymlinksInPath().path }
    return url.deletingLastPathComponent().resolvingSymlinksInPath().appendingPathComponent(url.lastPathComponent).path
  }

  /// Copies standard input to a temporary file, so that it can be read twice.
  static func spoolStandardInput() throws -> String {
    let path = NSTemporaryDirectory() + "neardup-stdin-\(ProcessInfo.processInfo.processIdentifier).tmp"
    FileManager.default.createFile(atPath: path, contents: nil)
    guard let output = FileHandle(forWritingAtPath: path) else {
      throw CorpusError.unreadable(path: path, reason: "cannot create a temporary file for standard input")
    }
    defer { try? output.close() }
    let input = FileHandle.standardInput
    while let chunk = try input.read(upToCount: 1 << 20), !chunk.isEmpty { try output.write(contentsOf: chunk) }
    return path
  }
}
