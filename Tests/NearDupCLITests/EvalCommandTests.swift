import Foundation
import Testing

@testable import NearDupCLI

@Suite("neardup eval")
struct EvalCommandTests {
  @Test("on Corpus/ the default run is perfect against both the exact pairs and the story labels")
  func corpus() throws {
    let (status, data) = try Executable.run(["eval", ClusterCommandTests.corpus, "--format", "json"])
    #expect(status == 0)
    let report = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    let jaccard = try #require(report["jaccard_pairs"] as? [String: Any])
    #expect(jaccard["precision"] as? Double == 1)
    #expect(jaccard["recall"] as? Double == 1)
    #expect((jaccard["truth"] as? Int ?? 0) > 100)
    let labels = try #require(report["labels"] as? [String: Any])
    #expect(labels["bcubed_f1"] as? Double == 1)
    #expect(labels["ari"] as? Double == 1)
    let exact = try #require(report["exact_jaccard_labels"] as? [String: Any])
    #expect((exact["bcubed_f1"] as? Double ?? 1) < 0.9)
    #expect(report["members_below_half_threshold"] as? Int == 0)
  }

  @Test("the text report names pairs, labels and health")
  func text() throws {
    let (status, data) = try Executable.run(["eval", ClusterCommandTests.corpus, "--linkage", "components"])
    #expect(status == 0)
    let text = String(decoding: data, as: UTF8.self)
    #expect(text.contains("precision 1.0000, recall 1.0000"))
    #expect(text.contains("B³ precision 1.0000"))
    #expect(text.contains("members below 0.80 of their representative"))
  }

  @Test("signature verification is measured against the same exact ground truth")
  func signatureVerification() throws {
    func pairs(_ verify: String) throws -> [String: Any] {
      let (status, data) = try Executable.run([
        "eval", ClusterCommandTests.corpus, "--measure", "jaccard", "--verify", verify, "--format", "json",
      ])
      #expect(status == 0)
      let report = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
      return try #require(report["jaccard_pairs"] as? [String: Any])
    }
    let exact = try pairs("exact")
    let estimated = try pairs("signature")
    #expect(estimated["truth"] as? Int == exact["truth"] as? Int)
    #expect((estimated["truth"] as? Int ?? 0) > 100)
    #expect((estimated["recall"] as? Double ?? 0) > 0.8)
    // Exact verification never reports a pair below the threshold.
    #expect(exact["precision"] as? Double == 1)
    #expect((exact["recall"] as? Double ?? 0) > 0.95)
  }
}
