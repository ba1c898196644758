import ArgumentParser
import Foundation
import NearDupCore

extension ShingleKind: ExpressibleByArgument {}
extension SketchScheme: ExpressibleByArgument {}
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

  @Flag(
    help:
      "Skip malformed records, duplicate ids, documents over --max-document-bytes and unreadable directory entries, naming them in the report, instead of stopping."
  )
  var skipInvalid = false

  @Option(
    help: ArgumentHelp(
      "Largest document accepted: a record, a line of --lines input or a text file (suffixes K, M, G: KiB, MiB, GiB).",
      valueName: "bytes"))
  var maxDocumentBytes = ByteCount(CorpusOptions.defaultMaximumDocumentBytes)

  var corpusOptions: CorpusOptions {
    var options = CorpusOptions()
    options.idField = idField
    options.textField = textField
    options.titleField = titleField
    options.linesAreDocuments = lines
    options.skipsInvalidRecords = skipInvalid
    options.maximumDocumentBytes = maxDocumentBytes.value
    return options
  }
}

/// Checks a `--threads` value against the counts NearDup accepts.
func validateThreads(_ threads: Int) throws {
  let accepted = ClusterConfiguration.threadCounts
  guard accepted.contains(threads) else {
    throw ValidationError("--threads must be in \(accepted.lowerBound)...\(accepted.upperBound) (got \(threads)).")
  }
}

/// A size in bytes on the command line: a whole number, optionally with a binary
/// suffix (`64M`, `64MiB`, `1G`).
struct ByteCount: ExpressibleByArgument, CustomStringConvertible {
  let value: Int

  init(_ value: Int) { self.value = value }

  init?(argument: String) {
    var digits = Substring(argument.uppercased())
    if digits.hasSuffix("IB") { digits.removeLast(2) } else if digits.hasSuffix("B") { digits.removeLast() }
    let shift = ["K": 10, "M": 20, "G": 30].first { digits.hasSuffix($0.key) }?.value ?? 0
    if shift > 0 { digits.removeLast() }
    guard let number = Int(digits), number > 0, number <= Int.max >> shift else { return nil }
    value = number << shift
  }

  /// The value as it would be typed: the largest suffix that divides it.
  var description: String {
    for (shift, suffix) in [(30, "G"), (20, "M"), (10, "K")] where value % (1 << shift) == 0 {
      return "\(value >> shift)\(suffix)"
    }
    return "\(value)"
  }
}

/// How documents are shingled and sketched: shared by every command that sketches.
/// Values are optional so that commands working on an index can tell an explicit
/// flag (which must agree with the index) from a default.
struct SketchOptionGroup: ParsableArguments {
  @Option(
    help:
      "Shingle kind: word n-grams, or char n-grams (for headlines and scripts without spaces). Default: \(SketchParameters.default.shingle.rawValue)."
  )
  var shingle: ShingleKind?

  @Option(help: "The n of the shingle n-grams. Default: \(SketchParameters.default.shingleSize).")
  var ngram: Int?

  @Option(
    help: "MinHash permutations k (32-bit slots per signature). Default: \(SketchParameters.default.permutationCount).")
  var permutations: Int?

  @Option(help: "Seed of the MinHash permutation family. Default: \(SketchParameters.default.seed).")
  var seed: UInt64?

  @Flag(
    inversion: .prefixedNo,
    help:
      "Split words glued by scraping where a lowercase letter meets an uppercase one. Default: \(SketchParameters.default.splitsGluedWords ? "on" : "off")."
  )
  var splitGluedWords: Bool?

  @Option(
    help:
      "Signature scheme: oph (one permutation hashing, O(s + k)) or minhash (k permutations, O(s·k)). Default: \(SketchParameters.default.scheme.rawValue)."
  )
  var sketch: SketchScheme?

  @Option(
    help:
      "News cleaning before tokenizing: datelines, metadata, both (datelines,metadata), or none. Default: \(CleaningOptions.defaultValue.argumentText)."
  )
  var clean: CleaningOptions?

  func validate() throws {
    if let ngram, ngram < 1 { throw ValidationError("--ngram must be at least 1 (got \(ngram)).") }
    if let permutations, !(1...4096).contains(permutations) {
      throw ValidationError("--permutations must be in 1...4096 (got \(permutations)).")
    }
  }

  /// The parameters with NearDup's defaults for what was not given.
  func parameters() throws -> SketchParameters {
    let defaults = SketchParameters.default
    return try SketchParameters(
      shingle: shingle ?? defaults.shingle, shingleSize: ngram ?? defaults.shingleSize,
      permutationCount: permutations ?? defaults.permutationCount, seed: seed ?? defaults.seed,
      splitsGluedWords: splitGluedWords ?? defaults.splitsGluedWords, scheme: sketch ?? defaults.scheme,
      cleaning: clean ?? defaults.cleaning)
  }

  /// Throws if a flag that was given differs from what `stored` says.
  func checkAgainst(_ stored: SketchParameters, index: String) throws {
    try agree("--shingle", shingle?.rawValue, stored.shingle.rawValue, index)
    try agree("--ngram", ngram.map(String.init), String(stored.shingleSize), index)
    try agree("--permutations", permutations.map(String.init), String(stored.permutationCount), index)
    try agree("--seed", seed.map(String.init), String(stored.seed), index)
    try agree(
      "--split-glued-words", splitGluedWords.map { $0 ? "on" : "off" }, stored.splitsGluedWords ? "on" : "off", index)
    try agree("--sketch", sketch?.rawValue, stored.scheme.rawValue, index)
    try agree("--clean", clean?.argumentText, stored.cleaning.argumentText, index)
  }
}

/// How verified pairs become clusters: shared by `cluster` and `eval`.
struct ClusteringOptionGroup: ParsableArguments {
  @Option(help: "Candidate verification: exact (shingle sets) or signature (MinHash estimate).")
  var verify: VerificationMethod = .exact

  @Option(help: "Cluster representative: longest, first or shortest member.")
  var keep: KeepPolicy = .longest

  @Option(help: "Linkage: components (connected components) or center (members must be similar to the representative).")
  var linkage: Linkage = ClusterConfiguration.defaultLinkage

  @Option(
    help:
      "Drop shingles found in at least this share of the first \(Format.count(ClusterConfiguration.defaultBoilerplateSample)) documents as boilerplate (0 turns the filter off)."
  )
  var boilerplate: Double = ClusterConfiguration.defaultBoilerplateShare ?? 0

  @Option(help: "Worker threads (default: all cores).")
  var threads = ProcessInfo.processInfo.activeProcessorCount

  var boilerplateShare: Double? { boilerplate > 0 ? boilerplate : nil }

  func validate() throws {
    try validateThreads(threads)
    guard boilerplate >= 0, boilerplate < 1 else {
      throw ValidationError("--boilerplate must be in [0, 1) (got \(boilerplate)).")
    }
  }

  /// The run's configuration.
  /// - Parameters:
  ///   - keepsDigestSets: Keep digest sets with signature verification too (`eval`).
  ///   - keepsPreviews: Keep each document's preview, for a report that shows them.
  func configuration(
    sketch: SketchParameters, similarity: SimilarityOptionGroup, keepsDigestSets: Bool = false,
    keepsPreviews: Bool = true
  ) throws -> ClusterConfiguration {
    try ClusterConfiguration(
      sketch: sketch, threshold: similarity.threshold ?? ClusterConfiguration.defaultThreshold,
      measure: similarity.measure ?? ClusterConfiguration.defaultMeasure,
      lsh: similarity.lshParameters(permutationCount: sketch.permutationCount), verification: verify, keep: keep,
      linkage: linkage, boilerplateShare: boilerplateShare, keepsDigestSets: keepsDigestSets,
      keepsPreviews: keepsPreviews, threads: threads)
  }
}

extension Linkage: ExpressibleByArgument {}

extension CleaningOptions: ExpressibleByArgument {
  /// "none", "datelines", "metadata", or "datelines,metadata" (also "all").
  public init?(argument: String) {
    var options: CleaningOptions = []
    for part in argument.split(separator: ",") {
      switch part.trimmingCharacters(in: .whitespaces) {
      case "none": continue
      case "all": options.formUnion([.datelines, .metadata])
      case "datelines": options.insert(.datelines)
      case "metadata": options.insert(.metadata)
      default: return nil
      }
    }
    self = options
  }

  var argumentText: String {
    switch (contains(.datelines), contains(.metadata)) {
    case (true, true): "datelines,metadata"
    case (true, false): "datelines"
    case (false, true): "metadata"
    case (false, false): "none"
    }
  }

  static var defaultValue: CleaningOptions { SketchParameters.default.cleaning }
}

/// Threshold, measure and banding: stored in an index, chosen per run by `cluster`.
struct SimilarityOptionGroup: ParsableArguments {
  @Option(help: "Similarity threshold in (0, 1]. Default: \(ClusterConfiguration.defaultThreshold).")
  var threshold: Double?

  @Option(
    help:
      "Similarity measure: containment (|A∩B| / min(|A|,|B|), for padded or cut copies) or jaccard. Default: \(ClusterConfiguration.defaultMeasure.rawValue)."
  )
  var measure: SimilarityMeasure?

  @Option(help: "LSH bands b (default: chosen from the threshold and permutations).")
  var bands: Int?

  @Option(help: "LSH rows r per band (default: chosen; with --bands alone, permutations / bands).")
  var rows: Int?

  func validate() throws {
    if let threshold, !(threshold > 0 && threshold <= 1) {
      throw ValidationError("--threshold must be in (0, 1] (got \(threshold)).")
    }
    if let bands, bands < 1 { throw ValidationError("--bands must be at least 1 (got \(bands)).") }
    if let rows, rows < 1 { throw ValidationError("--rows must be at least 1 (got \(rows)).") }
  }

  /// The banding the flags ask for with `permutationCount` slots, or nil to choose it.
  func lshParameters(permutationCount k: Int) throws -> LSHParameters? {
    guard bands != nil || rows != nil else { return nil }
    let b = bands ?? max(1, k / rows!)
    let r = rows ?? max(1, k / bands!)
    do {
      return try LSHParameters(bands: b, rows: r, permutationCount: k)
    } catch {
      let (slots, overflow) = b.multipliedReportingOverflow(by: r)
      throw ValidationError(
        "--bands \(b) × --rows \(r)\(overflow ? "" : " = \(slots) slots") exceed --permutations \(k).")
    }
  }

  /// A clustering configuration with these values and NearDup's defaults.
  func configuration(
    sketch: SketchParameters, verification: VerificationMethod = .exact, keep: KeepPolicy = .longest, threads: Int
  ) throws -> ClusterConfiguration {
    try ClusterConfiguration(
      sketch: sketch, threshold: threshold ?? ClusterConfiguration.defaultThreshold,
      measure: measure ?? ClusterConfiguration.defaultMeasure,
      lsh: lshParameters(permutationCount: sketch.permutationCount), verification: verification, keep: keep,
      threads: threads)
  }

  /// Throws if a flag that was given differs from what `stored` says.
  func checkAgainst(_ stored: IndexParameters, index: String) throws {
    try agree("--threshold", threshold.map { "\($0)" }, "\(stored.threshold)", index)
    try agree("--measure", measure?.rawValue, stored.measure.rawValue, index)
    try agree("--bands", bands.map(String.init), String(stored.lsh.bands), index)
    try agree("--rows", rows.map(String.init), String(stored.lsh.rows), index)
  }
}

/// Throws the index's parameter-mismatch error when `given` is set and differs.
private func agree(_ flag: String, _ given: String?, _ stored: String, _ index: String) throws {
  guard let given, given != stored else { return }
  throw IndexFileError.parameterMismatch(path: index, name: flag, stored: stored, given: "\(flag) \(given)")
}

/// Turns INPUT arguments into corpus inputs, with the embedded `Corpus/` as default.
enum InputResolver {
  /// The inputs for `paths`, or the JSON Lines files of the default corpus when
  /// `paths` is empty.
  ///
  /// A directory that holds JSON Lines shards (`.jsonl`, `.ndjson`, maybe `.gz`) is
  /// read as those shards, in bytewise order; its text files (a README beside the
  /// data) are then not documents, and a note on standard error says how many were
  /// left out. A directory without shards is a directory of text documents.
  static func resolve(_ paths: [String], options: CorpusOptions) throws -> [CorpusInput] {
    if paths.isEmpty {
      guard let corpus = defaultCorpusDirectory() else {
        throw ValidationError(
          "No INPUT given and the default corpus Corpus/ was not found; run from the NearDup checkout or name a corpus file."
        )
      }
      return try CorpusInput(path: corpus, kind: .directory, label: "Corpus").directoryListing().jsonLinesShards
    }
    if paths.filter({ $0 == "-" }).count > 1 { throw ValidationError("Standard input (-) can be named only once.") }
    return try CorpusInput.resolveAll(paths, options: options) { path, textFiles in
      Terminal.writeError(
        "note: \(path) holds JSON Lines files; reading those, not its \(textFiles.count) text file\(textFiles.count == 1 ? "" : "s") (\(textFiles.prefix(3).joined(separator: ", "))\(textFiles.count > 3 ? ", …" : "")).\n"
      )
    }
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
      // Several outputs may share a character device such as /dev/null, never a file or a pipe.
      if let other = seen[canonical], !isCharacterDevice(canonical) {
        throw ValidationError("\(flag) and \(other) both write \(path).")
      }
      var isDirectory: ObjCBool = false
      if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
        throw ValidationError("\(flag) \(path) is a directory; name a file.")
      }
      seen[canonical] = flag
    }
  }

  /// Whether `path` is a character device (such as /dev/null).
  static func isCharacterDevice(_ path: String) -> Bool {
    var status = stat()
    return stat(path, &status) == 0 && status.st_mode & S_IFMT == S_IFCHR
  }

  /// The absolute path with symlinks resolved, also for a file that does not exist yet.
  static func canonicalPath(_ path: String) -> String {
    let url = URL(fileURLWithPath: path).standardizedFileURL
    if FileManager.default.fileExists(atPath: url.path) { return url.resolvingSymlinksInPath().path }
    return url.deletingLastPathComponent().resolvingSymlinksInPath().appendingPathComponent(url.lastPathComponent).path
  }

  /// Copies standard input to a temporary file, so that it can be read twice. The
  /// file is new (never a path that existed, nor a link planted in the shared
  /// temporary directory) and readable by this user only.
  static func spoolStandardInput() throws -> String {
    var path = ""
    var descriptor: Int32 = -1
    while descriptor < 0 {
      path = NSTemporaryDirectory() + "neardup-stdin-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).tmp"
      descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
      guard descriptor >= 0 || errno == EEXIST else {
        throw CorpusError.unreadable(
          path: path, reason: "cannot create a temporary file for standard input: \(String(cString: strerror(errno)))")
      }
    }
    let output = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
    defer { try? output.close() }
    let input = FileHandle.standardInput
    while let chunk = try input.read(upToCount: 1 << 20), !chunk.isEmpty { try output.write(contentsOf: chunk) }
    return path
  }
}
