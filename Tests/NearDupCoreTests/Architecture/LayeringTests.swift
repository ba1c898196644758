import Foundation
import Testing

/// Checks that NearDupCore's dependencies point one way down the pipeline: a file
/// of one stage folder names only types declared in its own folder or in a lower
/// layer. The layers, lowest first, are the order below; docs/Pipeline.md draws
/// them.
@Suite("Layering")
struct LayeringTests {
  /// The stage folders, lowest first. `Fingerprint` sits below `Shingle` because the
  /// shingler fills fingerprint sets with XXH3; the reader (`IO`) uses nothing of
  /// the stages after it; `Output` writes what every stage before it made.
  static let layers = [
    "Support", "Fingerprint", "IO", "Normalize", "Shingle", "MinHash", "LSH", "Cluster", "Pipeline", "Evaluate",
    "Index", "Output", "Synth",
  ]

  static let sources = Fixtures.repositoryRoot.appendingPathComponent("Sources/NearDupCore")

  @Test("every stage folder has a place in the layering")
  func everyFolderIsPlaced() throws {
    let folders = try Self.folders()
    #expect(Set(folders).subtracting(Self.layers).isEmpty, "add new folders to LayeringTests.layers")
  }

  @Test("each file names only types of its own stage or of the stages below it")
  func dependenciesPointDown() throws {
    var declaredIn: [String: Set<String>] = [:]
    var files: [(folder: String, name: String, tokens: [String])] = []
    for folder in try Self.folders() {
      let directory = Self.sources.appendingPathComponent(folder)
      let names = try FileManager.default.subpathsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".swift") }
      for name in names.sorted() {
        let text = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
        let tokens = Self.identifiers(inCode: text)
        files.append((folder, name, tokens))
        for (keyword, declared) in zip(tokens, tokens.dropFirst())
        where ["struct", "enum", "class", "protocol", "typealias", "actor"].contains(keyword) {
          declaredIn[declared, default: []].insert(folder)
        }
      }
    }
    var violations: [String] = []
    for file in files {
      guard let level = Self.layers.firstIndex(of: file.folder) else { continue }
      for name in Set(file.tokens) {
        // A name declared in several folders (a nested helper type) says nothing.
        guard let folders = declaredIn[name], folders.count == 1, let folder = folders.first,
          let other = Self.layers.firstIndex(of: folder), other > level
        else { continue }
        violations.append("\(file.folder)/\(file.name) uses \(name) from \(folder)")
      }
    }
    #expect(violations.sorted() == [])
  }

  @Test("the check sees through comments and strings, and finds a name used upward")
  func scannerFindsIdentifiers() {
    let tokens = Self.identifiers(inCode: "let a = ClusterResult() // Pipeline\n/* Index */ let b = \"Output \\\" x\"")
    #expect(tokens == ["let", "a", "ClusterResult", "let", "b"])
  }

  /// The stage folders of NearDupCore (the DocC catalog is not one).
  static func folders() throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: sources.path).filter {
      !$0.hasSuffix(".docc") && !$0.hasPrefix(".")
    }
    .sorted()
  }

  /// The identifiers of Swift source `text`, in order, outside comments and string
  /// literals (string interpolations are skipped with their strings).
  static func identifiers(inCode text: String) -> [String] {
    let bytes = Array(text.utf8)
    var tokens: [String] = []
    var index = 0
    func isIdentifier(_ byte: UInt8) -> Bool {
      byte == UInt8(ascii: "_") || (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A)
    }
    func starts(with prefix: String) -> Bool { bytes[index...].starts(with: prefix.utf8) }
    while index < bytes.count {
      if starts(with: "//") {
        while index < bytes.count && bytes[index] != 0x0A { index += 1 }
      } else if starts(with: "/*") {
        index += 2
        while index < bytes.count && !starts(with: "*/") { index += 1 }
        index += 2
      } else if starts(with: "\"\"\"") {
        index += 3
        while index < bytes.count && !starts(with: "\"\"\"") { index += bytes[index] == UInt8(ascii: "\\") ? 2 : 1 }
        index += 3
      } else if bytes[index] == UInt8(ascii: "\"") {
        index += 1
        while index < bytes.count && bytes[index] != UInt8(ascii: "\"") && bytes[index] != 0x0A {
          index += bytes[index] == UInt8(ascii: "\\") ? 2 : 1
        }
        index += 1
      } else if isIdentifier(bytes[index]) {
        let start = index
        while index < bytes.count && isIdentifier(bytes[index]) { index += 1 }
        tokens.append(String(decoding: bytes[start..<index], as: UTF8.self))
      } else {
        index += 1
      }
    }
    return tokens
  }
}
