import ArgumentParser
import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NearDupCore

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

extension NearDup {
  /// `neardup serve`: the index as an HTTP JSON service.
  struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "serve",
      abstract: "Serve an index over HTTP: queries, additions, removals.",
      discussion: """
        Routes: POST /query, POST /documents, GET and DELETE /documents/{id} (the id \
        percent-encoded: news%2F2025%2Fa%20b is "news/2025/a b"), GET /stats, GET /health; \
        docs/HTTP-API.md describes them. Answers are JSON, errors {"error": "..."}.

        Queries run in parallel; additions and removals run one at a time and are on \
        disk before their response. SIGINT or SIGTERM stops the service gracefully: \
        requests in progress are finished first.

        Safety: POST and DELETE need Content-Type: application/json (else 415), so a web \
        page cannot forge them with a form. A request with an Origin header is refused \
        (403) unless the origin is given with --allow-origin; on a loopback address, so is \
        a Host header other than localhost, 127.0.0.1, [::1] or an --allow-host name. With \
        a token (--token-file FILE, else the environment variable NEARDUP_TOKEN; never on \
        the command line), additions and removals, and with --token-for-reads every \
        route, need "Authorization: Bearer TOKEN" (else 401). A connection idle for \
        --idle-timeout seconds, or that has not sent a whole request head by then, is \
        closed; beyond --max-connections open connections, new ones wait to be accepted.
        """)

    @OptionGroup var location: IndexLocation
    @Option(help: "Address to listen on (an IPv6 address without brackets, e.g. ::1).")
    var host = "127.0.0.1"
    @Option(help: "Port to listen on (0 picks a free one).")
    var port = 8080
    @Option(help: "Largest request body accepted, in bytes.")
    var maximumBodySize = 8 << 20
    @Option(
      help: ArgumentHelp(
        "Let web pages from this origin call the service, e.g. http://localhost:3000 (repeatable; default: none).",
        valueName: "origin"))
    var allowOrigin: [String] = []
    @Option(
      help: ArgumentHelp(
        "A host name that requests may give in their Host header besides the loopback names (repeatable).",
        valueName: "name"))
    var allowHost: [String] = []
    @Option(
      help: ArgumentHelp(
        "A file holding the bearer token that additions and removals need (default: $NEARDUP_TOKEN, if set).",
        valueName: "file"))
    var tokenFile: String?
    @Flag(help: "Require the token for queries and other reads too.")
    var tokenForReads = false
    @Option(help: ArgumentHelp("Close a connection idle for this many seconds.", valueName: "seconds"))
    var idleTimeout = 30
    @Option(help: "Most connections open at once; more wait to be accepted.")
    var maxConnections = 256

    /// The environment variable that may hold the bearer token.
    static let tokenVariable = "NEARDUP_TOKEN"

    func validate() throws {
      guard (0...65535).contains(port) else { throw ValidationError("--port must be in 0...65535 (got \(port)).") }
      guard maximumBodySize >= 1024 else { throw ValidationError("--maximum-body-size must be at least 1024.") }
      guard (1...86_400).contains(idleTimeout) else {
        throw ValidationError("--idle-timeout must be in 1...86400 seconds (got \(idleTimeout)).")
      }
      guard maxConnections >= 1 else { throw ValidationError("--max-connections must be at least 1.") }
      for origin in allowOrigin where !ServiceAccess.isOrigin(origin) {
        throw ValidationError(
          "--allow-origin expects an origin such as http://localhost:3000: scheme, host and port, no path (got \"\(origin)\")."
        )
      }
      for name in allowHost where name.isEmpty || name.contains(where: { "/:@ ".contains($0) }) {
        throw ValidationError(
          "--allow-host expects a host name without port, such as neardup.internal (got \"\(name)\").")
      }
      if tokenForReads && tokenFile == nil && ProcessInfo.processInfo.environment[Self.tokenVariable] == nil {
        throw ValidationError("--token-for-reads needs a token: pass --token-file FILE or set \(Self.tokenVariable).")
      }
    }

    func run() async throws {
      let token = try Self.token(file: tokenFile, environment: ProcessInfo.processInfo.environment)
      let settings = ServiceSettings(
        host: host, port: port, maximumBodySize: maximumBodySize, idleTimeout: idleTimeout,
        maximumConnections: maxConnections,
        access: ServiceAccess(
          listenHost: host, allowedOrigins: allowOrigin, extraHosts: allowHost, token: token,
          tokenForReads: tokenForReads))
      let service = try IndexService(path: location.index)
      if token == nil && !ServiceAccess.isLoopback(host) {
        FileHandle.standardError.write(
          Data(
            ("Warning: serving on \(host) without a token: anyone who can reach this port can change the index "
              + "(see --token-file).\n").utf8))
      }
      let application = Self.application(service: service, settings: settings) { port in
        print(
          "NearDup serving \(location.index) (\(Format.count(service.current.documentCount)) documents) on "
            + Self.url(host: host, port: port))
        fflush(nil)  // the banner names the port: let a supervising process see it at once
      }
      try await application.runService()
    }

    /// The base URL of a service on `host` and `port`; an IPv6 address in brackets
    /// (`http://[::1]:8080`).
    static func url(host: String, port: Int) -> String {
      let bracketed = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
      return "http://\(bracketed):\(port)"
    }

    /// The bearer token: the contents of `file`, trimmed of surrounding whitespace,
    /// else the environment's `NEARDUP_TOKEN`; nil when neither is given.
    /// - Throws: `ServiceSetupError` for a token file that is missing, unreadable,
    ///   empty or too large, or a token that is empty or holds spaces or control
    ///   characters.
    static func token(file: String?, environment: [String: String]) throws(ServiceSetupError) -> String? {
      let token: String
      let source: String
      if let file {
        token = try readTokenFile(file)
        source = file
      } else if let value = environment[tokenVariable] {
        token = value.trimmingCharacters(in: .whitespacesAndNewlines)
        source = "$" + tokenVariable
      } else {
        return nil
      }
      guard !token.isEmpty else { throw .emptyToken(source: source) }
      guard token.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else { throw .malformedToken(source: source) }
      return token
    }

    /// The largest token file read.
    static let maximumTokenFileSize = 4096

    private static func readTokenFile(_ path: String) throws(ServiceSetupError) -> String {
      let descriptor = open(path, O_RDONLY)
      guard descriptor >= 0 else {
        let code = errno
        if code == ENOENT { throw .missingTokenFile(path: path) }
        throw .unreadableTokenFile(path: path, reason: String(cString: strerror(code)))
      }
      defer { close(descriptor) }
      var bytes: [UInt8] = []
      var chunk = [UInt8](repeating: 0, count: 1024)
      while true {
        let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        if count < 0 {
          if errno == EINTR { continue }
          throw .unreadableTokenFile(path: path, reason: String(cString: strerror(errno)))
        }
        if count == 0 { break }
        bytes += chunk[..<count]
        if bytes.count > maximumTokenFileSize {
          throw .unreadableTokenFile(path: path, reason: "larger than \(maximumTokenFileSize) bytes; expected one line")
        }
      }
      guard let text = ServiceRequest.validatedUTF8(bytes) else { throw .malformedToken(source: path) }
      return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The Hummingbird application serving `service` with `settings`; `onRunning`
    /// gets the bound port.
    static func application(
      service: IndexService, settings: ServiceSettings, onRunning: @escaping @Sendable (Int) async -> Void
    ) -> some ApplicationProtocol {
      var logger = Logger(label: "neardup")
      logger.logLevel = .warning
      return Application(
        responder: ServiceResponder(
          service: service, access: settings.access, maximumBodySize: settings.maximumBodySize),
        server: .http1(configuration: .init(idleTimeout: .seconds(Int64(settings.idleTimeout)))),
        configuration: .init(
          address: .hostname(settings.host, port: settings.port), serverName: "NearDup",
          availableConnectionsDelegate: MaximumAvailableConnections(settings.maximumConnections, logger: logger)),
        onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? settings.port) },
        logger: logger)
    }
  }
}

/// How `neardup serve` listens, and whom it serves.
struct ServiceSettings: Sendable {
  /// The address to listen on.
  var host = "127.0.0.1"
  /// The port; 0 picks a free one.
  var port = 0
  /// The largest request body accepted, in bytes.
  var maximumBodySize = 8 << 20
  /// Seconds after which an idle connection, or one that has not sent a whole
  /// request head, is closed.
  var idleTimeout = 30
  /// The most connections open at once; the next ones wait in the listen backlog.
  var maximumConnections = 256
  /// Origins, hosts and token.
  var access = ServiceAccess(listenHost: "127.0.0.1")
}

/// A problem that stops `neardup serve` from starting.
enum ServiceSetupError: Error, Equatable, CustomStringConvertible {
  /// The token file does not exist.
  case missingTokenFile(path: String)
  /// The token file cannot be read.
  case unreadableTokenFile(path: String, reason: String)
  /// The token file, or `NEARDUP_TOKEN`, is empty.
  case emptyToken(source: String)
  /// The token holds spaces, control characters or non-ASCII bytes.
  case malformedToken(source: String)

  var description: String {
    switch self {
    case .missingTokenFile(let path): "\(path): no such token file"
    case .unreadableTokenFile(let path, let reason): "\(path): cannot read the token file: \(reason)"
    case .emptyToken(let source): "\(source): the token is empty"
    case .malformedToken(let source):
      "\(source): the token must be one word of printable ASCII (no spaces or control characters)"
    }
  }
}
