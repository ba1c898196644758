import Foundation
import NearDupCore
import Testing

@Suite("ResultWriter")
struct ResultWriterTests {
  let texts = [
    "North Korea's top diplomat in Moscow for talks on ties amid concerns over an alleged arms deal today",
    "Completely unrelated: the local football club won the cup final after extra time and penalties",
    "SpamSite-North Korea's top diplomat in Moscow for talks on ties amid concerns over an alleged arms deal today",
    "North Korea's top diplomat in Moscow for talks on ties amid concerns over an alleged arms deal today",
  ]

  func result() throws -> ClusterResult {
    let documents = texts.enumerated().map {
      Document(id: $0.offset == 1 ? "b,\"q\"" : "d\($0.offset)", text: $0.element)
    }
    return ClusterPipeline(configuration: try ClusterConfiguration(threads: 1)).run(documents: documents)
  }

  func written(_ body: (OutputFile) throws -> Void) throws -> String {
    let directory = try TemporaryDirectory()
    let file = try OutputFile(path: directory.file("out"))
    try body(file)
    try file.commit()
    return try String(contentsOfFile: directory.file("out"), encoding: .utf8)
  }

  @Test("clusters as JSON Lines, with singletons on request")
  func jsonl() throws {
    let result = try result()
    let text = try written { try ResultWriter.writeClusters(result, format: .jsonl, includeSingletons: true, to: $0) }
    let lines = text.split(separator: "\n").map(String.init)
    #expect(lines.count == 2)
    let first = try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as! [String: Any]
    #expect(first["cluster"] as? Int == 1)
    #expect(first["size"] as? Int == 3)
    #expect(first["representative"] as? String == "d2")
    let members = first["members"] as! [[String: Any]]
    #expect(members.map { $0["id"] as! String } == ["d2", "d0", "d3"])
    #expect(members.map { $0["similarity"] as! Double }[0] == 1)
    #expect(
      lines[1]
        == #"{"cluster": 2, "size": 1, "representative": "b,\"q\"", "members": [{"id": "b,\"q\"", "similarity": 1.0}]}"#
    )
  }

  @Test("clusters as CSV quote fields that need it")
  func csv() throws {
    let result = try result()
    let text = try written { try ResultWriter.writeClusters(result, format: .csv, includeSingletons: true, to: $0) }
    let lines = text.split(separator: "\n").map(String.init)
    #expect(lines[0] == "cluster,id,similarity,representative")
    #expect(lines[1] == "1,d2,1.0,d2")
    #expect(lines.last == #"2,"b,""q""",1.0,"b,""q""""#)
  }

  @Test("pairs list every verified edge and identical copy")
  func pairs() throws {
    let result = try result()
    let text = try written { try ResultWriter.writePairs(result.pairs, to: $0) }
    let pairs = text.split(separator: "\n").map {
      try! JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
    }
    // d3 repeats d0's text exactly, so it is listed once, against d0.
    #expect(pairs.map { "\($0["a"]!)-\($0["b"]!)" } == ["d0-d2", "d0-d3"])
    #expect(pairs.allSatisfy { ($0["similarity"] as! Double) >= 0.8 })
    #expect(pairs.map { $0["identical"] as? Bool } == [nil, true])
  }

  @Test("similarities print with at most four decimals, never rounded up to the threshold")
  func similarityFormat() {
    #expect(formatSimilarity(1) == "1.0")
    #expect(formatSimilarity(0.79999) == "0.7999")
    #expect(formatSimilarity(0.8) == "0.8")
    #expect(formatSimilarity(0.99999) == "0.9999")
    #expect(formatSimilarity(0.05) == "0.05")
    #expect(formatSimilarity(0) == "0.0")
    #expect(formatSimilarity(0.0005) == "0.0005")
    #expect(formatSimilarity(0.103) == "0.103")
    #expect(formatSimilarity(0.12345) == "0.1234")
    var bytes = Array("x=".utf8)
    appendSimilarity(0.5, to: &bytes)
    #expect(String(decoding: bytes, as: UTF8.self) == "x=0.5")
  }
}
