import Foundation
import Hummingbird
import NearDupCore
import Testing

@testable import NearDupCLI

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

@Suite("neardup serve", .serialized)
struct ServiceTests {
  static let storyText: String = {
    let records = try! String(contentsOfFile: ClusterCommandTests.corpus, encoding: .utf8).split(separator: "\n")
    let record =
      try! JSONSerialization.jsonObject(with: Data(records.first { $0.contains("\"choe-lavrov-02\"") }!.utf8))
      as! [String: Any]
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
    #expect(
      Set(matches.map { $0["id"] as! String }).isSuperset(of: ["choe-lavrov-01", "choe-lavrov-04", "choe-lavrov-05"]))
    let (_, top) = try await server.request("POST", "/query", json: ["text": Self.storyText, "top": 2])
    #expect((top["matches"] as! [[String: Any]]).count == 2)
    await server.stop()
  }

  @Test("add, get and delete documents; adds are on disk when acknowledged")
  func documents() async throws {
    let server = try await RunningService()
    let text =
      "The harbour authority of Valletta opened a new ferry terminal on Monday, doubling its capacity for summer visitors."
    let (status, added) = try await server.request(
      "POST", "/documents", json: ["id": "new-1", "title": "Valletta ferry terminal", "text": text])
    #expect(status == 201)
    #expect(added["documents"] as? Int == 187)
    // Durable: a fresh view of the directory sees it.
    #expect(try LSHIndex.open(server.index).document(withID: "new-1")?.preview == "Valletta ferry terminal")
    let (getStatus, document) = try await server.request("GET", "/documents/new-1")
    #expect(getStatus == 200)
    #expect(document["title"] as? String == "Valletta ferry terminal")
    let (_, found) = try await server.request("POST", "/query", json: ["text": "Valletta ferry terminal\n" + text])
    #expect((found["matches"] as! [[String: Any]]).map { $0["id"] as! String } == ["new-1"])
    let (duplicateStatus, duplicate) = try await server.request(
      "POST", "/documents", json: ["id": "new-1", "text": text])
    #expect(duplicateStatus == 409)
    #expect((duplicate["error"] as? String)?.contains("already in the index") == true)
    let (replaceStatus, _) = try await server.request(
      "POST", "/documents?replace=true", json: ["documents": [["id": "new-1", "text": text + " Updated."]]])
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
    let server = try await RunningService(ServiceSettings(maximumBodySize: 4096))
    let (malformed, error) = try await server.request("POST", "/query", body: Data("{\"text\": ".utf8))
    #expect(malformed == 400)
    #expect(error["error"] as? String == "malformed JSON body: unexpected end of input in field \"text\" at offset 9")
    let (missing, missingError) = try await server.request("POST", "/query", json: ["title": "no text"])
    #expect(missing == 400)
    #expect(missingError["error"] as? String == "missing field \"text\"")
    #expect(try await server.request("POST", "/query", json: ["text": "x", "threshold": 2]).0 == 400)
    #expect(
      try await server.request(
        "POST", "/documents", json: ["documents": [["id": "a", "text": "x"], ["id": "a", "text": "y"]]]
      ).0 == 400)
    let (oversized, _) = try await server.request(
      "POST", "/query", body: Data(("{\"text\": \"" + String(repeating: "word ", count: 2000) + "\"}").utf8))
    #expect(oversized == 413)
    #expect(try await server.request("GET", "/no-such-route").0 == 404)
    await server.stop()
  }

  @Test("queries run while a batch is being added, and all succeed")
  func concurrentQueries() async throws {
    let server = try await RunningService()
    let batch = (0..<200).map {
      [
        "id": "batch-\($0)",
        "text": "Batch document number \($0) about the regional rail timetable and its \($0 % 7) changes this spring.",
      ]
    }
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

  /// Builds an index of Corpus/ in `scratch`; returns its path.
  static func buildIndex(in scratch: TemporaryDirectory) throws -> String {
    let index = scratch.file("idx")
    var build = try NearDup.parseAsRoot(["index", "build", ClusterCommandTests.corpus, "--index", index, "-q"])
    try build.run()
    return index
  }

  @Test("SIGTERM stops the service gracefully and keeps every acknowledged document")
  func gracefulShutdown() async throws {
    let scratch = try TemporaryDirectory()
    let index = try Self.buildIndex(in: scratch)
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
    request.setValue("application/json", forHTTPHeaderField: "Content-Type")
    request.httpBody = try JSONSerialization.data(withJSONObject: [
      "id": "kept", "text": "An acknowledged document must survive the shutdown of the service.",
    ])
    let (_, response) = try await URLSession.shared.data(for: request)
    #expect((response as! HTTPURLResponse).statusCode == 201)
    kill(process.processIdentifier, SIGTERM)
    process.waitUntilExit()
    #expect(process.terminationStatus == 0)
    #expect(try LSHIndex.open(index).document(withID: "kept") != nil)
    // The writer lock was released: the index can be changed again.
    _ = try IndexWriter(opening: index)
  }

  // MARK: Safety

  static let valletta =
    "The harbour authority of Valletta opened a new ferry terminal on Monday, doubling its capacity for summer visitors."

  @Test("a forged text/plain or form POST is refused with 415 and changes nothing")
  func forgedContentType() async throws {
    let server = try await RunningService()
    let original = try #require(try LSHIndex.open(server.index).document(withID: "choe-lavrov-02"))
    let forged = Array(#"{"id": "choe-lavrov-02", "text": "Overwritten by a web page."}"#.utf8)
    for contentType in [
      "text/plain", "text/plain;charset=UTF-8", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
    ] {
      let answer = try await server.send(
        "POST", "/documents?replace=true", headers: ["Content-Type": contentType], body: forged)
      #expect(answer.status == 415, "\(contentType)")
      #expect(answer.header("Content-Type") == "application/json")
      #expect(answer.error?.contains("application/json") == true)
    }
    #expect(try await server.send("POST", "/documents?replace=true", body: forged).status == 415)  // no Content-Type
    #expect(try await server.send("DELETE", "/documents/choe-lavrov-02").status == 415)
    #expect(try LSHIndex.open(server.index).document(withID: "choe-lavrov-02") == original)
    #expect(try await server.send("GET", "/health").object["documents"] as? Int == 186)
    // Parameters and case are accepted.
    for (index, contentType) in [
      "application/json; charset=utf-8", "Application/JSON", "application/json ; Charset=\"UTF-8\"",
    ].enumerated() {
      let answer = try await server.send(
        "POST", "/documents", headers: ["Content-Type": contentType],
        body: Array(#"{"id": "typed-\#(index)", "text": "\#(Self.valletta)"}"#.utf8))
      #expect(answer.status == 201, "\(contentType)")
    }
    #expect(
      try await server.send(
        "POST", "/query", headers: ["Content-Type": "application/json; charset=latin1"],
        body: Array(#"{"text": "x"}"#.utf8)
      ).status == 415)
    await server.stop()
  }

  @Test("a cross-origin request is refused with 403; an allowed origin gets CORS answers")
  func origins() async throws {
    var settings = ServiceSettings()
    settings.access = ServiceAccess(listenHost: "127.0.0.1", allowedOrigins: ["http://localhost:3000/"])
    let server = try await RunningService(settings)
    let document: [String: Any] = ["id": "from-a-page", "text": Self.valletta]
    let refused = try await server.send(
      "POST", "/documents", headers: ["Origin": "https://evil.example"], json: document)
    #expect(refused.status == 403)
    #expect(
      refused.error
        == "origin \"https://evil.example\" is not allowed (start the service with --allow-origin to allow it)")
    #expect(refused.header("Access-Control-Allow-Origin") == nil)
    #expect(try await server.send("GET", "/health", headers: ["Origin": "null"]).status == 403)
    #expect(try LSHIndex.open(server.index).document(withID: "from-a-page") == nil)
    let accepted = try await server.send(
      "POST", "/documents", headers: ["Origin": "http://localhost:3000"], json: document)
    #expect(accepted.status == 201)
    #expect(accepted.header("Access-Control-Allow-Origin") == "http://localhost:3000")
    #expect(accepted.header("Vary") == "Origin")
    let preflight = try await server.send(
      "OPTIONS", "/documents",
      headers: [
        "Origin": "http://localhost:3000", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type",
      ])
    #expect(preflight.status == 204)
    #expect(preflight.header("Access-Control-Allow-Methods") == "POST, OPTIONS")
    #expect(preflight.header("Access-Control-Allow-Headers") == "Content-Type, Authorization")
    #expect(try await server.send("OPTIONS", "/documents", headers: ["Origin": "https://evil.example"]).status == 403)
    // No Origin at all: curl, scripts.
    #expect(try await server.send("GET", "/health").status == 200)
    await server.stop()
  }

  @Test("on loopback, a Host header naming another host is refused with 403 (DNS rebinding)")
  func hosts() async throws {
    let server = try await RunningService()
    let rebound = try await server.send("GET", "/health", headers: ["Host": "attacker.example:\(server.port)"])
    #expect(rebound.status == 403)
    #expect(rebound.error?.contains("attacker.example") == true)
    for host in ["localhost:\(server.port)", "127.0.0.1", "[::1]:\(server.port)", "LOCALHOST"] {
      #expect(try await server.send("GET", "/health", headers: ["Host": host]).status == 200, "\(host)")
    }
    await server.stop()
  }

  @Test("with a token, writes need it (401 with WWW-Authenticate without it), reads do not")
  func token() async throws {
    var settings = ServiceSettings()
    settings.access = ServiceAccess(listenHost: "127.0.0.1", token: "s3cret-token")
    let server = try await RunningService(settings)
    let document: [String: Any] = ["id": "with-token", "text": Self.valletta]
    let missing = try await server.send("POST", "/documents", json: document)
    #expect(missing.status == 401)
    #expect(missing.header("WWW-Authenticate")?.hasPrefix("Bearer") == true)
    #expect(missing.error?.contains("bearer token") == true)
    let wrong = try await server.send(
      "POST", "/documents", headers: ["Authorization": "Bearer s3cret-tokeN"], json: document)
    #expect(wrong.status == 401)
    #expect(wrong.error == "wrong bearer token")
    #expect(
      try await server.send("POST", "/documents", headers: ["Authorization": "Basic czNjcmV0LXRva2Vu"], json: document)
        .status == 401)
    #expect(try LSHIndex.open(server.index).document(withID: "with-token") == nil)
    #expect(
      try await server.send("POST", "/documents", headers: ["Authorization": "Bearer s3cret-token"], json: document)
        .status == 201)
    #expect(
      try await server.send("DELETE", "/documents/with-token", headers: ["Content-Type": "application/json"]).status
        == 401)
    #expect(
      try await server.send(
        "DELETE", "/documents/with-token",
        headers: ["Content-Type": "application/json", "Authorization": "bearer  s3cret-token"]
      ).status == 200)
    // Reads need no token.
    #expect(try await server.send("GET", "/health").status == 200)
    #expect(try await server.send("POST", "/query", json: ["text": Self.storyText]).status == 200)
    #expect(try await server.send("GET", "/documents/choe-lavrov-02").status == 200)
    await server.stop()
  }

  @Test("--token-for-reads: every route needs the token")
  func tokenForReads() async throws {
    var settings = ServiceSettings()
    settings.access = ServiceAccess(listenHost: "127.0.0.1", token: "s3cret-token", tokenForReads: true)
    let server = try await RunningService(settings)
    let authorized = ["Authorization": "Bearer s3cret-token"]
    for path in ["/health", "/stats", "/documents/choe-lavrov-02"] {
      let refused = try await server.send("GET", path)
      #expect(refused.status == 401, "\(path)")
      #expect(refused.header("WWW-Authenticate")?.hasPrefix("Bearer") == true)
      #expect(try await server.send("GET", path, headers: authorized).status == 200, "\(path)")
    }
    #expect(try await server.send("POST", "/query", json: ["text": Self.storyText]).status == 401)
    #expect(try await server.send("POST", "/query", headers: authorized, json: ["text": Self.storyText]).status == 200)
    await server.stop()
  }

  @Test("a connection that sends nothing, or half a request head, is closed after the idle timeout")
  func idleTimeout() async throws {
    var settings = ServiceSettings()
    settings.idleTimeout = 1
    let server = try await RunningService(settings)
    let port = server.port
    for sent in ["", "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "] {
      let (received, seconds) = try await RawHTTP.offPool { () throws -> ([UInt8], Double) in
        let socket = try RawHTTP.connect(port: port, receiveTimeout: 10)
        defer { close(socket) }
        let start = Date()
        try RawHTTP.write(socket, Array(sent.utf8))
        let received = try RawHTTP.readToEnd(socket)  // throws if still open after 10 s
        return (received, Date().timeIntervalSince(start))
      }
      #expect(received.isEmpty, "closed without an answer")
      #expect(seconds >= 0.5 && seconds < 8, "closed after \(seconds) s")
    }
    // A connection in use is not cut short.
    #expect(try await server.send("GET", "/health").status == 200)
    await server.stop()
  }

  @Test("beyond --max-connections, a new connection waits until one closes")
  func maximumConnections() async throws {
    var settings = ServiceSettings()
    settings.idleTimeout = 2
    settings.maximumConnections = 1
    let server = try await RunningService(settings)
    let port = server.port
    let (status, seconds) = try await RawHTTP.offPool { () throws -> (Int, Double) in
      // The first connection is accepted and answered, then kept open (idle).
      let first = try RawHTTP.connect(port: port, receiveTimeout: 10)
      defer { close(first) }
      try RawHTTP.write(first, Array("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".utf8))
      var chunk = [UInt8](repeating: 0, count: 4096)
      let count = chunk.withUnsafeMutableBytes { recv(first, $0.baseAddress, $0.count, 0) }
      guard count > 0 else { throw RawHTTP.Failure.socket("no answer on the first connection") }
      // The second waits until the first times out.
      let start = Date()
      let second = try RawHTTP.connect(port: port, receiveTimeout: 15)
      defer { close(second) }
      try RawHTTP.write(second, Array("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".utf8))
      let answer = try RawHTTP.parse(try RawHTTP.readToEnd(second), method: "GET")
      return (answer.status, Date().timeIntervalSince(start))
    }
    #expect(status == 200)
    #expect(seconds >= 1, "answered after \(seconds) s, before the first connection closed")
    await server.stop()
  }

  // MARK: Ids in paths

  @Test("ids in paths are percent-decoded: ids with '/', spaces or non-ASCII letters are fetched and deleted")
  func percentEncodedIDs() async throws {
    let server = try await RunningService()
    let ids = ["news/2025/05/a b", "Zürich café 42", "https://example.org/story?id=7&x=%41"]
    let batch = ids.enumerated().map { ["id": $1, "title": "Story \($0)", "text": "Story \($0). " + Self.valletta] }
    #expect(try await server.request("POST", "/documents", json: ["documents": batch]).0 == 201)
    let encoded = [
      "news%2F2025%2F05%2Fa%20b", "Z%C3%BCrich%20caf%C3%A9%2042",
      "https%3A%2F%2Fexample.org%2Fstory%3Fid%3D7%26x%3D%2541",
    ]
    for (id, segment) in zip(ids, encoded) {
      let (status, document) = try await server.request("GET", "/documents/" + segment)
      #expect(status == 200, "\(segment)")
      #expect(document["id"] as? String == id)
    }
    let (deleted, removal) = try await server.request("DELETE", "/documents/news%2f2025%2f05%2fa%20b")
    #expect(deleted == 200)
    #expect(removal["removed"] as? String == "news/2025/05/a b")
    #expect(try LSHIndex.open(server.index).document(withID: "news/2025/05/a b") == nil)
    #expect(try await server.request("GET", "/documents/news%2F2025%2F05%2Fa%20b").0 == 404)
    // '+' is a plus sign in a path, not a space.
    #expect(try await server.request("GET", "/documents/Z%C3%BCrich+caf%C3%A9+42").0 == 404)
    let malformed = try await server.send("GET", "/documents/news%2")
    #expect(malformed.status == 400)
    #expect(malformed.error?.contains("malformed percent-encoding") == true)
    #expect(try await server.send("GET", "/documents/%ZZ").status == 400)
    #expect(try await server.send("GET", "/documents/%FF").error?.contains("not UTF-8") == true)
    let unencoded = try await server.send("GET", "/documents/news/2025/05/a")
    #expect(unencoded.status == 404)
    #expect(unencoded.error?.contains("%2F") == true)
    await server.stop()
  }

  // MARK: Consistent errors

  @Test("an unknown route is 404 and a wrong method 405 with Allow, both with JSON bodies")
  func unknownRoutesAndMethods() async throws {
    let server = try await RunningService()
    let unknown = try await server.send("GET", "/no-such-route")
    #expect(unknown.status == 404)
    #expect(unknown.header("Content-Type") == "application/json")
    #expect(unknown.error == "no route \"/no-such-route\"")
    let wrongMethod = try await server.send("GET", "/query")
    #expect(wrongMethod.status == 405)
    #expect(wrongMethod.header("Allow") == "POST, OPTIONS")
    #expect(wrongMethod.error == "GET is not allowed on \"/query\"")
    let put = try await server.send(
      "PUT", "/documents/choe-lavrov-02", headers: ["Content-Type": "application/json"], body: Array("{}".utf8))
    #expect(put.status == 405)
    #expect(put.header("Allow") == "GET, HEAD, DELETE, OPTIONS")
    #expect(
      try await server.send("DELETE", "/health", headers: ["Content-Type": "application/json"]).header("Allow")
        == "GET, HEAD, OPTIONS")
    let head = try await server.send("HEAD", "/health")
    #expect(head.status == 200)
    #expect(head.body.isEmpty)
    let options = try await server.send("OPTIONS", "/stats")
    #expect(options.status == 204)
    #expect(options.header("Allow") == "GET, HEAD, OPTIONS")
    await server.stop()
  }

  @Test("a numeric id is accepted as its text, as in JSON Lines; other id types are refused")
  func numericIDs() async throws {
    let server = try await RunningService()
    let added = try await server.send(
      "POST", "/documents", headers: ["Content-Type": "application/json"],
      body: Array(#"{"id": 42, "text": "\#(Self.valletta)"}"#.utf8))
    #expect(added.status == 201)
    let (status, document) = try await server.request("GET", "/documents/42")
    #expect(status == 200)
    #expect(document["id"] as? String == "42")
    for (id, kind) in [("true", "a boolean"), ("null", "null"), ("{\"n\": 1}", "an object"), ("[1]", "an array")] {
      let refused = try await server.send(
        "POST", "/documents", headers: ["Content-Type": "application/json"],
        body: Array(#"{"id": \#(id), "text": "x"}"#.utf8))
      #expect(refused.status == 400)
      #expect(refused.error == "field \"id\" is \(kind); ids must be strings or numbers")
    }
    await server.stop()
  }

  @Test("duplicate keys and bodies that are not objects are 400s that say so")
  func malformedBodies() async throws {
    let server = try await RunningService()
    let json = ["Content-Type": "application/json"]
    let duplicate = try await server.send(
      "POST", "/documents", headers: json, body: Array(#"{"id":"a","id":"b","text":"x"}"#.utf8))
    #expect(duplicate.status == 400)
    #expect(duplicate.error == "duplicate field \"id\" (at offset 10)")
    #expect(try LSHIndex.open(server.index).document(withID: "a") == nil)
    #expect(try LSHIndex.open(server.index).document(withID: "b") == nil)
    let nested = try await server.send(
      "POST", "/documents", headers: json, body: Array(#"{"documents": [{"id": "a", "text": "x", "text": "y"}]}"#.utf8))
    #expect(nested.error?.hasPrefix("duplicate field \"documents[0].text\"") == true)
    let array = try await server.send(
      "POST", "/documents", headers: json, body: Array(#"[{"id": "a", "text": "x"}]"#.utf8))
    #expect(array.status == 400)
    #expect(array.error == "body must be a JSON object (found an array)")
    #expect(
      try await server.send("POST", "/query", headers: json, body: Array("\"text\"".utf8)).error
        == "body must be a JSON object (found a string)")
    #expect(
      try await server.send("POST", "/query", headers: json, body: []).error == "empty body; expected a JSON object")
    #expect(
      try await server.send(
        "POST", "/documents?replace=yes", headers: json, body: Array(#"{"id": "a", "text": "x"}"#.utf8)
      ).status == 400)
    await server.stop()
  }

  // MARK: Command line

  @Test("the banner puts an IPv6 address in brackets")
  func bannerURL() {
    #expect(NearDup.Serve.url(host: "::1", port: 8080) == "http://[::1]:8080")
    #expect(NearDup.Serve.url(host: "127.0.0.1", port: 80) == "http://127.0.0.1:80")
    #expect(NearDup.Serve.url(host: "[::]", port: 1) == "http://[::]:1")
  }

  @Test("a missing token file stops the service before it starts, naming the file")
  func missingTokenFile() throws {
    let scratch = try TemporaryDirectory()
    let index = try Self.buildIndex(in: scratch)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: Executable.path)
    process.arguments = ["serve", "--index", index, "--port", "0", "--token-file", scratch.file("no-token")]
    let errors = Pipe()
    process.standardOutput = FileHandle.nullDevice
    process.standardError = errors
    try process.run()
    let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    #expect(process.terminationStatus == 1)
    #expect(message.contains("\(scratch.file("no-token")): no such token file"))
  }

  @Test("option checks: origins, hosts, timeouts, --token-for-reads without a token")
  func optionValidation() throws {
    let index = ["serve", "--index", "idx"]
    var refused = [
      ["--allow-origin", "localhost:3000"], ["--allow-origin", "http://localhost:3000/app"], ["--allow-host", "a:80"],
      ["--idle-timeout", "0"], ["--max-connections", "0"],
    ]
    if ProcessInfo.processInfo.environment[NearDup.Serve.tokenVariable] == nil { refused.append(["--token-for-reads"]) }
    for arguments in refused {
      #expect(throws: (any Error).self, "\(arguments)") { _ = try NearDup.parseAsRoot(index + arguments) }
    }
    let serve = try #require(
      try NearDup.parseAsRoot(
        index + [
          "--allow-origin", "http://localhost:3000", "--allow-origin", "https://app.example", "--idle-timeout", "5",
        ])
        as? NearDup.Serve)
    #expect(serve.allowOrigin == ["http://localhost:3000", "https://app.example"])
    #expect(serve.idleTimeout == 5)
    #expect(serve.maxConnections == 256)
  }
}
