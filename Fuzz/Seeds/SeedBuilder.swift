import Foundation
@testable import NearDupCore

/// Writes the seed corpus of each fuzz target from `Corpus/news.jsonl`:
///
///     seed-builder OUTPUT TARGET...
///
/// puts the seeds of each named target in `OUTPUT/TARGET/`, replacing what was
/// there. Seeds are deterministic: the same repository gives the same files.
@main
enum SeedBuilder {
  static func main() {
    let arguments = CommandLine.arguments.dropFirst()
    guard let output = arguments.first, arguments.count >= 2 else {
      FileHandle.standardError.write(Data("usage: seed-builder OUTPUT TARGET...\n".utf8))
      exit(64)
    }
    for target in arguments.dropFirst() {
      let seeds: [(name: String, bytes: [UInt8])]
      switch target {
      case "jsonl": seeds = jsonLinesSeeds()
      case "gzip": seeds = gzipSeeds()
      case "index": seeds = indexSeeds()
      case "service": seeds = serviceSeeds()
      default:
        FileHandle.standardError.write(Data("seed-builder: unknown target \(target)\n".utf8))
        exit(64)
      }
      let directory = output + "/" + target
      try? FileManager.default.removeItem(atPath: directory)
      do {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
      } catch {
        Fuzz.fail("cannot create \(directory): \(error)")
      }
      for seed in seeds { Fuzz.writeFile(directory + "/" + seed.name, seed.bytes) }
      print("\(target): \(seeds.count) seeds, \(seeds.reduce(0) { $0 + $1.bytes.count }) bytes")
    }
  }

  /// The lines of `Corpus/news.jsonl`, with their line ends.
  static let corpusLines: [[UInt8]] = {
    let bytes = Fuzz.readFile(Fuzz.corpusPath)
    return bytes.split(separator: 0x0A, omittingEmptySubsequences: true).map { Array($0) + [0x0A] }
  }()

  /// Every corpus line alone, a few lines together, and lines that reach the
  /// scanner's and the reader's corners.
  static func jsonLinesSeeds() -> [(name: String, bytes: [UInt8])] {
    var seeds = corpusLines.enumerated().map { (name: "line-\($0.offset + 1).jsonl", bytes: $0.element) }
    seeds.append((name: "lines-1-3.jsonl", bytes: Array(corpusLines[0..<3].joined())))
    let corners = [
      #"{"id": 7, "text": "a\"b\\c\/d\b\f\n\r\t\u00e9\u20ac\ud83d\ude00", "title": null, "label": 3.5e-2}"#,
      #"{"id": "x", "text": "lone \ud800 and \udc00 surrogates", "title": "", "extra": [1, {"a": [true, false, null]}]}"#,
      "\u{FEFF}{\"id\": \"bom\", \"text\": \"crlf\"}\r\n\n   \n{\"id\": \"bom\", \"text\": \"duplicate id\"}",
      #"{"id": "a", "id": "b", "text": "wanted field twice"}"#,
      #"{"id": "", "text": "empty id"} {"trailing": 1}"#,
      #"{"id": -0.5E+3, "text": "number id", "label": "story"}"#,
      #"{"id": "deep", "text": "x", "nested": [[[[[[[[[[[[[[[[{"k": "v"}]]]]]]]]]]]]]]]]}"#,
      "{\"id\": \"ctl\", \"text\": \"raw\ttab\"}\n[1, 2]\nnull\n{\"id\": \"t\", \"text\": 5}",
    ]
    for (index, corner) in corners.enumerated() {
      seeds.append((name: "corner-\(index + 1).jsonl", bytes: Array(corner.utf8)))
    }
    return seeds
  }

  /// Gzip files of a few corpus lines (one member, two members, an empty member),
  /// a zlib stream, and plain text.
  static func gzipSeeds() -> [(name: String, bytes: [UInt8])] {
    let three = Array(corpusLines[0..<3].joined())
    let crlf = [0xEF, 0xBB, 0xBF] + Array("first line\r\nsecond\r\n\r\nno line end".utf8)
    let member = gzip(three)
    return [
      (name: "three-lines.jsonl.gz", bytes: member),
      (name: "crlf-bom.txt.gz", bytes: gzip(crlf)),
      (name: "two-members.jsonl.gz", bytes: member + gzip(Array(corpusLines[3]))),
      (name: "empty-member.gz", bytes: gzip([]) + gzip(Array("after an empty member\n".utf8))),
      (
        name: "long-lines.txt.gz",
        bytes: gzip(Array(corpusLines[4].prefix(200)) + [0x0A] + Array(repeating: 0x61, count: 70))
      ),
      (name: "plain.jsonl", bytes: Array(corpusLines[0..<2].joined())),
      (name: "plain-crlf.txt", bytes: crlf),
    ]
  }

  /// Each file of the base index, as it is and with checksums repaired after
  /// damage (selector byte + content; see `IndexFuzzer`).
  static func indexSeeds() -> [(name: String, bytes: [UInt8])] {
    let directory = ScratchDirectory.path + "/index"
    let files = BaseIndex.build(at: directory)
    var seeds: [(name: String, bytes: [UInt8])] = []
    for (index, name) in BaseIndex.fileNames.enumerated() {
      seeds.append((name: "\(name).raw", bytes: [UInt8(index)] + files[name]!))
      seeds.append((name: "\(name).repaired", bytes: [UInt8(index | 4)] + files[name]!))
    }
    return seeds
  }

  /// Request bodies of `POST /query` and `POST /documents` made from corpus
  /// documents, and a few bodies and path segments that reach the decoder's corners.
  static func serviceSeeds() -> [(name: String, bytes: [UInt8])] {
    let documents = Fuzz.corpusDocuments(count: 6, characters: 400)
    func json(_ object: Any) -> [UInt8] {
      guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else {
        Fuzz.fail("cannot encode a seed body")
      }
      return Array(data)
    }
    func split(_ text: String) -> (title: String, body: String) {
      let parts = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
      return (String(parts[0]), parts.count > 1 ? String(parts[1]) : "")
    }
    var seeds: [(name: String, bytes: [UInt8])] = []
    for (index, document) in documents.prefix(3).enumerated() {
      let (title, body) = split(document.text)
      seeds.append(
        (name: "query-\(index + 1).json", bytes: json(["text": body, "title": title, "top": 5, "exact": true])))
      seeds.append(
        (name: "document-\(index + 1).json", bytes: json(["id": document.id, "text": body, "title": title])))
    }
    let batch = documents.map { document -> [String: Any] in
      let (title, body) = split(document.text)
      return ["id": document.id, "text": body, "title": title]
    }
    seeds.append((name: "documents.json", bytes: json(["documents": batch])))
    let corners = [
      #"{"text": "a\"b\\c\/d\b\f\n\r\t\u00e9\ud83d\ude00", "threshold": 0.85, "top": 1e1, "exact": false, "title": null}"#,
      #"{"documents": [{"id": 42, "text": "number id"}, {"id": "42", "text": "same id as a string"}]}"#,
      #"{"id": "a", "text": "x", "documents": []}"#,
      #"{"text": "duplicate", "text": "key"}"#,
      "\u{FEFF} {\"text\": \"bom and spaces\", \"threshold\": -0, \"top\": 0.5} ",
      "news%2F2025%2Fa%20b%zz%e2%82%ac",
      "application/json; charset=\"UTF-8\"; q=1",
      "Bearer  token-123 ",
    ]
    for (index, corner) in corners.enumerated() {
      seeds.append((name: "corner-\(index + 1)", bytes: Array(corner.utf8)))
    }
    return seeds
  }

  /// `bytes` gzip-compressed, the way NearDup writes `.gz` outputs.
  static func gzip(_ bytes: [UInt8]) -> [UInt8] {
    let path = ScratchDirectory.path + "/seed.gz"
    do {
      let file = try OutputFile(path: path)
      try file.write(bytes)
      try file.commit()
    } catch {
      Fuzz.fail("cannot write \(path): \(error)")
    }
    return Fuzz.readFile(path)
  }
}
