import Foundation
import Hummingbird
import NearDupCore
import Testing

@testable import NearDupCLI

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// A running `neardup serve` on a loopback port, for one test.
final class RunningService: @unchecked Sendable {
  let scratch = Scratch()
  let index: String
  let service: IndexService
  private(set) var port = 0
  private var task: Task<Void, any Error>?

  /// Builds an index of Corpus/ and serves it on an ephemeral port.
  init(maximumBodySize: Int = 1 << 20) async throws {
    index = scratch.file("idx")
    var build = try NearDup.parseAsRoot(["index", "build", ClusterCommandTests.corpus, "--index", index, "-q"])
    try build.run()
    service = try IndexService(path: index)
    let (stream, continuation) = AsyncStream<Int>.makeStream()
    let application = NearDup.Serve.application(
      service: service, host: "127.0.0.1", port: 0, maximumBodySize: maximumBodySize
    ) { port in continuation.yield(port) }
    task = Task { try await application.runService() }
    for await port in stream {
      self.port = port
      break
    }
  }

  func stop() async {
    task?.cancel()
    _ = try? await task?.value
  }

  /// Sends a request and returns the status and the JSON body.
  func request(_ method: String, _ path: String, body: Data? = nil) async throws -> (Int, [String: Any]) {
    var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
    request.httpMethod = method
    request.httpBody = body
    request.setValue("application/json", forHTTPHeaderField: "Content-Type")
    let (data, response) = try await URLSession.shared.data(for: request)
    let status = (response as! HTTPURLResponse).statusCode
    let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? ["raw": String(decoding: data, as: UTF8.self)]
    return (status, object)
  }

  func request(_ method: String, _ path: String, json: [String: Any]) async throws -> (Int, [String: Any]) {
    try await request(method, path, body: try JSONSerialization.data(withJSONObject: json))
  }
}

@Suite("neardup serve", .serialized)
struct ServiceTests {
  static let storyText: String = {
    let records = try! String(contentsOfFile: ClusterCommandTests.corpus, encoding: .utf8).split(separator: "\n")
    let record = try! JSONSerialization.jsonObject(with: Data(records.first { $0.contains("\"choe-lavrov-02\"") }!.utf8)) as! [String: Any]
    return (record["title"] as! String) + "\n" + (record["text"] as! String)
  }()

  @Test("health, stats and a query over loopback")
  func query() async throws {
    let server = try await RunningService()
    let (healthStatus, health) = try await server.request("GET", "/health")
    #expect(healthStatus == 200)
    #expect(health["documents"] as? Int == 186)
    let (statsStatus, stats) = try await server.request("GET", "/stats")
    #expect(statsStatus == 200)
    #expect(stats["measure"] as? String == "containment")
    let (status, answer) = try await server.request("POST", "/query", json: ["text": Self.storyText, "exact": true])
    #expect(status == 200)
    let matches = answer["matches"] as! [[String: Any]]
    #expect(matches.first?["id"] as? String == "choe-lavrov-02")
    #expect(matches.first?["exact"] as? Double == 1)
    #expect(Set(matches.map { $0["id"] as! String }).isSuperset(of: ["choe-lavrov-01", "choe-lavrov-04", "choe-lavrov-05"]))
    let (_, top) = try await server.request("POST", "/query", json: ["text": Self.storyText, "top": 2])
    #expect((top["matches"] as! [[String: Any]]).count == 2)
    await server.stop()
  }

  @Test("add, get and delete documents; adds are on disk when acknowledged")
  func documents() async throws {
    let server = try await RunningService()
    let text = "The harbour authority of Valletta opened a new ferry terminal on Monday, doubling its capacity for summer visitors."
    let (status, added) = try await server.request("POST", "/documents", json: ["id": "new-1", "title": "Valletta ferry terminal", "text": text])
    #expect(status == 201)
    #expect(added["documents"] as? Int == 187)
    // Durable: a fresh view of the directory sees it.
    #expect(try LSHIndex.open(server.index).document(withID: "new-1")?.preview == "Valletta ferry terminal")
    let (getStatus, document) = try await server.request("GET", "/documents/new-1")
    #expect(getStatus == 200)
    #expect(document["title"] as? String == "Valletta ferry terminal")
    let (_, found) = try await server.request("POST", "/query", json: ["text": "Valletta ferry terminal\n" + text])
    #expect((found["matches"] as! [[String: Any]]).map { $0["id"] as! String } == ["new-1"])
    let (duplicateStatus, duplicate) = try await server.request("POST", "/documents", json: ["id": "new-1", "text": text])
    #expect(duplicateStatus == 409)
    #expect((duplicate["error"] as? String)?.contains("already in the index") == true)
    let (replaceStatus, _) = try await server.request("POST", "/documents?replace=true", json: ["documents": [["id": "new-1", "text": text + " Updated."]]])
    #expect(replaceStatus == 201)
    let (deleteStatus, _) = try await server.request("DELETE", "/documents/new-1")
    #expect(deleteStatus == 200)
    #expect(try await server.request("GET", "/documents/new-1").0 == 404)
    #expect(try await server.request("DELETE", "/documents/new-1").0 == 404)
    #expect(try LSHIndex.open(server.index).document(withID: "new-1") == nil)
    await server.stop()
  }

  @Test("bad requests get JSON errors with 4xx codes")
  func badRequests() async throws {
    let server = try await RunningService(maximumBodySize: 4096)
    let (malformed, error) = try await server.request("POST", "/query", body: Data("{\"text\": ".utf8))
    #expect(malformed == 400)
    #expect(error["error"] as? String == "malformed JSON body")
    let (missing, missingError) = try await server.request("POST", "/query", json: ["title": "no text"])
    #expect(missing == 400)
    #expect(missingError["error"] as? String == "missing field \"text\"")
    #expect(try await server.request("POST", "/query", json: ["text": "x", "threshold": 2]).0 == 400)
    #expect(try await server.request("POST", "/documents", json: ["documents": [["id": "a", "text": "x"], ["id": "a", "text": "y"]]]).0 == 400)
    let (oversized, _) = try await server.request("POST", "/query", body: Data(("{\"text\": \"" + String(repeating: "word ", count: 2000) + "\"}").utf8))
    #expect(oversized == 413)
    #expect(try await server.request("GET", "/no-such-route").0 == 404)
    await server.stop()
  }

  @Test("queries run while a batch is being added, and all succeed")
  func concurrentQueries() async throws {
    let server = try await RunningService()
    let batch = (0..<200).map { ["id": "batch-\($0)", "text": "Batch document number \($0) about the regional rail timetable and its \($0 % 7) changes this spring."] }
    try await withThrowingTaskGroup(of: Int.self) { group in
      group.addTask { try await server.request("POST", "/documents", json: ["documents": batch]).0 }
      for _ in 0..<24 {
        group.addTask { try await server.request("POST", "/query", json: ["text": Self.storyText]).0 }
      }
      var statuses: [Int] = []
      for try await status in group { statuses.append(status) }
      #expect(statuses.filter { $0 == 200 }.count == 24)
      #expect(statuses.contains(201))
    }
    #expect(try await server.request("GET", "/health").1["documents"] as? Int == 386)
    await server.stop()
  }

  @Test("SIGTERM stops the service gracefully and keeps every acknowledged document")
  func gracefulShutdown() async throws {
    let scratch = Scratch()
    let index = scratch.file("idx")
    var build = try NearDup.parseAsRoot(["index", "build", ClusterCommandTests.corpus, "--index", index, "-q"])
    try build.run()
    let process = Process()
    process.executableURL = URL(fileURLWithPath: Executable.path)
    process.arguments = ["serve", "--index", index, "--port", "0"]
    let output = Pipe()
    process.standardOutput = output
    try process.run()
    // "NearDup serving IDX (186 documents) on http://127.0.0.1:PORT"
    var banner = ""
    while !banner.contains("\n") {
      let chunk = output.fileHandleForReading.availableData
      if chunk.isEmpty { break }
      banner += String(decoding: chunk, as: UTF8.self)
    }
    let port = Int(banner.split(separator: ":").last!.trimmingCharacters(in: .whitespacesAndNewlines))!
    var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/documents")!)
    request.httpMethod = "POST"
    request.httpBody = try JSONSerialization.data(withJSONObject: ["id": "kept", "text": "An acknowledged document must survive the shutdown of the service."])
    let (_, response) = try await URLSession.shared.data(for: request)
    #expect((response as! HTTPURLResponse).statusCode == 201)
    kill(process.processIdentifier, SIGTERM)
    process.waitUntilExit()
    #expect(process.terminationStatus == 0)
    #expect(try LSHIndex.open(index).document(withID: "kept") != nil)
    // The writer lock was released: the index can be changed again.
    _ = try IndexWriter(opening: index)
  }
}
