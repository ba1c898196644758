import ArgumentParser
import Foundation
import Hummingbird
import Logging
import NIOCore
import NearDupCore

extension NearDup {
  /// `neardup serve`: the index as an HTTP JSON service.
  struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "serve",
      abstract: "Serve an index over HTTP: queries, additions, removals.",
      discussion: """
        Routes: POST /query, POST /documents, DELETE /documents/{id}, GET /documents/{id}, \
        GET /stats, GET /health (see the README). Queries run in parallel; additions and \
        removals run one at a time and are on disk before their response. SIGINT or SIGTERM \
        stops the service gracefully: requests in progress are finished first.
        """)

    @OptionGroup var location: IndexLocation
    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"
    @Option(help: "Port to listen on (0 picks a free one).")
    var port = 8080
    @Option(help: "Largest request body accepted, in bytes.")
    var maximumBodySize = 8 << 20

    func validate() throws {
      guard (0...65535).contains(port) else { throw ValidationError("--port must be in 0...65535 (got \(port)).") }
      guard maximumBodySize >= 1024 else { throw ValidationError("--maximum-body-size must be at least 1024.") }
    }

    func run() async throws {
      let service = try IndexService(path: location.index)
      let application = Self.application(service: service, host: host, port: port, maximumBodySize: maximumBodySize) { port in
        print("NearDup serving \(location.index) (\(Format.count(service.current.documentCount)) documents) on http://\(host):\(port)")
        fflush(nil)  // the banner names the port: let a supervising process see it at once
      }
      try await application.runService()
    }

    /// The Hummingbird application for `service`; `onRunning` gets the bound port.
    static func application(
      service: IndexService, host: String, port: Int, maximumBodySize: Int,
      onRunning: @escaping @Sendable (Int) async -> Void
    ) -> some ApplicationProtocol {
      var logger = Logger(label: "neardup")
      logger.logLevel = .warning
      return Application(
        router: ServiceRoutes.router(service: service, maximumBodySize: maximumBodySize),
        configuration: .init(address: .hostname(host, port: port), serverName: "NearDup"),
        onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) },
        logger: logger)
    }
  }
}
