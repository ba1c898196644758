import Foundation
import NearDupCore
import Testing

@Suite("OutputFile")
struct OutputFileTests {
  @Test("nothing appears at the path until commit, and an abandoned file leaves the old one intact")
  func atomicReplace() throws {
    let directory = TemporaryDirectory()
    let path = try directory.write("out.jsonl", "old content\n")
    do {
      let file = try OutputFile(path: path)
      try file.write(String(repeating: "new\n", count: 1000))
      #expect(try String(contentsOfFile: path, encoding: .utf8) == "old content\n")
    }
    #expect(try String(contentsOfFile: path, encoding: .utf8) == "old content\n")
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["out.jsonl"])
    let file = try OutputFile(path: path)
    try file.write("new\n")
    try file.commit()
    #expect(try String(contentsOfFile: path, encoding: .utf8) == "new\n")
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["out.jsonl"])
  }

  @Test("a missing directory is an error when the file is created")
  func missingDirectory() {
    #expect(throws: OutputError.self) { try OutputFile(path: "/nonexistent-neardup-dir/out.jsonl") }
  }
}
