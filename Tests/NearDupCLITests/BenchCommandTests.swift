import Foundation
import Testing

@testable import NearDupCLI

/// `neardup bench` starts itself as child processes, so these tests run the built
/// executable rather than the command in process.
@Suite("neardup bench")
struct BenchCommandTests: CommandLineTesting {
  @Test("--repeat runs every configuration that many times and reports the fastest run of each")
  func repeatedRuns() throws {
    let (status, data) = try Executable.run([
      "bench", "--docs", "400", "--threads", "1,2", "--sketch", "oph,minhash", "--repeat", "2",
      "--accuracy-sample", "400", "--format", "json",
    ])
    #expect(status == 0)
    let report = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    #expect(report["repeat"] as? Int == 2)
    let runs = try #require(report["runs"] as? [[String: Any]])
    #expect(
      runs.map { "\($0["sketch"] ?? "")/\($0["threads"] ?? "")" } == ["oph/1", "oph/2", "minhash/1", "minhash/2"])
    for run in runs {
      #expect(run["documents"] as? Int == 400)
      let totals = try #require(run["total_seconds_of_runs"] as? [Double])
      let total = try #require((run["seconds"] as? [String: Any])?["total"] as? Double)
      #expect(totals.count == 2)
      #expect(total == totals.min())
      #expect((run["peak_memory_bytes"] as? Int ?? 0) > 0)
    }
    // The same documents and parameters give the same pairs whatever the run.
    #expect(Set(runs.map { $0["verified"] as? Int ?? -1 }).count == 1)
    // Each round ran two one-thread copies of the first scheme side by side.
    let sideBySide = try #require(report["side_by_side"] as? [String: Any])
    #expect(sideBySide["sketch"] as? String == "oph")
    #expect(sideBySide["copies"] as? Int == min(2, ProcessInfo.processInfo.activeProcessorCount))
    let meanTotals = try #require(sideBySide["mean_total_seconds_of_rounds"] as? [Double])
    #expect(meanTotals.count == 2 && meanTotals.allSatisfy { $0 > 0 })
    let accuracy = try #require(report["accuracy"] as? [[String: Any]])
    #expect(accuracy.map { $0["sketch"] as? String } == ["oph", "minhash"])
    for entry in accuracy {
      let error = try #require(entry["mean_squared_error"] as? Double)
      #expect(error > 0 && error < 0.05)
    }
  }

  @Test("the text report names the runs, the scaling and the repeat count; --repeat 0 is refused")
  func textReport() throws {
    let (status, data) = try Executable.run([
      "bench", "--docs", "300", "--threads", "1,2", "--sketch", "oph", "--repeat", "2", "--accuracy-sample", "0",
    ])
    #expect(status == 0)
    let text = String(decoding: data, as: UTF8.self)
    #expect(text.contains("300 documents"))
    #expect(text.contains("Fastest of 2 interleaved runs per configuration"))
    #expect(text.contains("Scaling (oph): 2 threads run"))
    #expect(text.contains("Side by side: 2 one-thread oph runs at once take"))
    #expect(!text.contains("Estimate accuracy"))
    let (skipped, skippedData) = try Executable.run([
      "bench", "--docs", "300", "--threads", "1,2", "--sketch", "oph", "--accuracy-sample", "0", "--no-side-by-side",
      "--format", "json",
    ])
    #expect(skipped == 0)
    let skippedReport = try #require(try JSONSerialization.jsonObject(with: skippedData) as? [String: Any])
    #expect(skippedReport["side_by_side"] == nil)
    let refused = try #require(failure(["bench", "--repeat", "0"]))
    #expect(refused.code == 64)
    #expect(refused.message.contains("--repeat must be at least 1"))
  }
}
