import Foundation
import Hummingbird
import NearDupCore

@testable import NearDupCLI

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// A running `neardup serve` on a loopback port, for one test.
final class RunningService: @unchecked Sendable {
  let scratch: TemporaryDirectory
  let index: String
  let service: IndexService
  private(set) var port = 0
  private var task: Task<Void, any Error>?

  /// Builds an index of Corpus/ and serves it on an ephemeral port of 127.0.0.1
  /// with `settings` (its host and port are ignored).
  init(_ settings: ServiceSettings = ServiceSettings(maximumBodySize: 1 << 20)) async throws {
    scratch = try TemporaryDirectory()
    index = try ServiceTests.buildIndex(in: scratch)
    service = try IndexService(path: index)
    var settings = settings
    settings.host = "127.0.0.1"
    settings.port = 0
    let (stream, continuation) = AsyncStream<Int>.makeStream()
    let application = NearDup.Serve.application(service: service, settings: settings) { port in
      continuation.yield(port)
    }
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

  /// Sends a request with `headers` (a JSON body gets `Content-Type:
  /// application/json` unless `headers` names another) and returns the answer.
  func send(
    _ method: String, _ path: String, headers: [String: String] = [:], body: [UInt8]? = nil
  ) async throws -> HTTPAnswer {
    var headers = headers
    if headers["Host"] == nil { headers["Host"] = "127.0.0.1:\(port)" }
    return try await RawHTTP.exchange(port: port, method: method, path: path, headers: headers, body: body)
  }

  /// Sends `json` as the body of a request with `Content-Type: application/json`.
  func send(
    _ method: String, _ path: String, headers: [String: String] = [:], json: [String: Any]
  ) async throws -> HTTPAnswer {
    var headers = headers
    if headers["Content-Type"] == nil { headers["Content-Type"] = "application/json" }
    return try await send(method, path, headers: headers, body: Array(try JSONSerialization.data(withJSONObject: json)))
  }

  /// A request as the tests mostly send it: JSON in, status and JSON object out.
  func request(_ method: String, _ path: String, body: Data? = nil) async throws -> (Int, [String: Any]) {
    let headers = method == "POST" || method == "DELETE" ? ["Content-Type": "application/json"] : [:]
    let answer = try await send(method, path, headers: headers, body: body.map { Array($0) })
    return (answer.status, answer.object)
  }

  func request(_ method: String, _ path: String, json: [String: Any]) async throws -> (Int, [String: Any]) {
    try await request(method, path, body: try JSONSerialization.data(withJSONObject: json))
  }
}

/// One HTTP response, as received.
struct HTTPAnswer {
  var status: Int
  /// Header fields in order, names as sent.
  var headers: [(name: String, value: String)]
  var body: [UInt8]

  /// The first value of the header `name` (case-insensitive).
  func header(_ name: String) -> String? {
    headers.first { $0.name.lowercased() == name.lowercased() }?.value
  }

  /// The body as a JSON object; `["raw": text]` when it is not one.
  var object: [String: Any] {
    (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any]
      ?? ["raw": String(decoding: body, as: UTF8.self)]
  }

  /// The `error` message of a JSON error body.
  var error: String? { object["error"] as? String }
}

/// A minimal HTTP/1.1 client over a blocking loopback socket, so tests control
/// every byte (headers such as Host, malformed paths), run on threads of its own
/// so as not to hold up the Swift concurrency pool that serves the requests.
enum RawHTTP {
  enum Failure: Error { case socket(String), malformedResponse(String) }

  static func exchange(
    port: Int, method: String, path: String, headers: [String: String], body: [UInt8]?
  ) async throws -> HTTPAnswer {
    var head = "\(method) \(path) HTTP/1.1\r\n"
    for (name, value) in headers.sorted(by: { $0.key < $1.key }) { head += "\(name): \(value)\r\n" }
    if let body { head += "Content-Length: \(body.count)\r\n" }
    head += "Connection: close\r\n\r\n"
    let request = Array(head.utf8) + (body ?? [])
    let response = try await offPool { () throws -> [UInt8] in
      let socket = try connect(port: port)
      defer { close(socket) }
      try write(socket, request)
      return try readToEnd(socket)
    }
    return try parse(response, method: method)
  }

  /// Runs `work` on a thread of its own: on Linux the Swift concurrency pool is
  /// built on Dispatch's global queues, so blocking their threads could starve
  /// the server under test.
  static func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
      Thread { continuation.resume(with: Result { try work() }) }.start()
    }
  }

  /// A socket connected to 127.0.0.1:`port`, whose reads give up after
  /// `receiveTimeout` seconds.
  static func connect(port: Int, receiveTimeout: Int = 20) throws -> Int32 {
    #if canImport(Darwin)
      let socket = Darwin.socket(AF_INET, SOCK_STREAM, 0)
    #else
      let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    #endif
    guard socket >= 0 else { throw Failure.socket("socket: \(String(cString: strerror(errno)))") }
    var timeout = timeval(tv_sec: receiveTimeout, tv_usec: 0)
    setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let result = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        #if canImport(Darwin)
          Darwin.connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
        #else
          Glibc.connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
        #endif
      }
    }
    guard result == 0 else {
      close(socket)
      throw Failure.socket("connect: \(String(cString: strerror(errno)))")
    }
    return socket
  }

  static func write(_ socket: Int32, _ bytes: [UInt8]) throws {
    var offset = 0
    while offset < bytes.count {
      let count = bytes[offset...].withUnsafeBytes { send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
      guard count > 0 else { throw Failure.socket("send: \(String(cString: strerror(errno)))") }
      offset += count
    }
  }

  /// Reads until the peer closes the connection.
  /// - Throws: When the read times out or fails.
  static func readToEnd(_ socket: Int32) throws -> [UInt8] {
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
      let count = chunk.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
      if count == 0 { return bytes }
      if count < 0 {
        if errno == EINTR { continue }
        if errno == ECONNRESET { return bytes }
        throw Failure.socket("recv: \(String(cString: strerror(errno)))")
      }
      bytes += chunk[..<count]
    }
  }

  static func parse(_ response: [UInt8], method: String) throws -> HTTPAnswer {
    let separator: [UInt8] = Array("\r\n\r\n".utf8)
    guard let end = response.indices.first(where: { response[$0...].starts(with: separator) }) else {
      throw Failure.malformedResponse(String(decoding: response, as: UTF8.self))
    }
    let lines = String(decoding: response[..<end], as: UTF8.self).components(separatedBy: "\r\n")
    let statusParts = lines[0].split(separator: " ")
    guard statusParts.count >= 2, let status = Int(statusParts[1]) else {
      throw Failure.malformedResponse(lines[0])
    }
    let headers = lines.dropFirst().compactMap { line -> (name: String, value: String)? in
      guard let colon = line.firstIndex(of: ":") else { return nil }
      return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
    }
    var body = Array(response[(end + separator.count)...])
    if method == "HEAD" { body = [] }
    var answer = HTTPAnswer(status: status, headers: headers, body: body)
    if let length = answer.header("Content-Length").flatMap({ Int($0) }), length < body.count {
      answer.body = Array(body[..<length])
    }
    return answer
  }
}
