/// Who may use `neardup serve`: the rules applied to every request's headers
/// before its route runs, as pure functions of header values.
///
/// - A request whose `Origin` header is not one of `allowedOrigins` is refused
///   (403): a web page the user visits cannot drive the service, nor read its
///   answers. Requests without `Origin` (curl, scripts, other services) pass.
/// - With `allowedHosts`, a request whose `Host` names another host is refused
///   (403), so a DNS name rebound to 127.0.0.1 does not reach the service.
/// - With a `token`, writes (`POST /documents`, `DELETE`), or with
///   `tokenForReads` every route, need `Authorization: Bearer TOKEN` (else 401),
///   compared in constant time.
///
/// - Invariant: `allowedOrigins` holds lowercased origins without a trailing
///   slash; `allowedHosts` lowercased host names without brackets or port.
struct ServiceAccess: Sendable {
  /// Origins whose pages may call the service (CORS answers name them).
  var allowedOrigins: Set<String> = []
  /// Host names a request's `Host` header may give; nil accepts any.
  var allowedHosts: Set<String>?
  /// The bearer token, as UTF-8; nil when none is needed.
  var token: [UInt8]?
  /// Whether reads need the token too.
  var tokenForReads = false

  /// The names that always reach a loopback listener.
  static let loopbackNames: Set<String> = ["localhost", "127.0.0.1", "::1"]

  /// Creates the rules for a service listening on `listenHost`. The `Host` check
  /// applies when `listenHost` is a loopback address or `extraHosts` is not empty,
  /// and accepts the loopback names, `listenHost` and `extraHosts`.
  init(
    listenHost: String, allowedOrigins: [String] = [], extraHosts: [String] = [], token: String? = nil,
    tokenForReads: Bool = false
  ) {
    self.allowedOrigins = Set(allowedOrigins.map(Self.normalizedOrigin))
    let listenName = Self.hostName(
      fromHostHeader: listenHost.contains(":") && !listenHost.hasPrefix("[") ? "[\(listenHost)]" : listenHost)
    if Self.isLoopback(listenHost) || !extraHosts.isEmpty {
      allowedHosts = Self.loopbackNames.union(extraHosts.map { $0.lowercased() }).union(listenName.map { [$0] } ?? [])
    }
    self.token = token.map { Array($0.utf8) }
    self.tokenForReads = tokenForReads
  }

  /// Checks the `Origin` header.
  /// - Returns: The origin, when the request has an allowed one (its response then
  ///   carries CORS headers); nil when it has none.
  /// - Throws: 403 for an origin not allowed.
  func checkOrigin(_ origin: String?) throws(ServiceRequestError) -> String? {
    guard let origin else { return nil }
    guard allowedOrigins.contains(Self.normalizedOrigin(origin)) else {
      throw ServiceRequestError(
        status: 403,
        message:
          "origin \(ServiceRequest.quoted(origin)) is not allowed (start the service with --allow-origin to allow it)")
    }
    return origin
  }

  /// Checks the `Host` header against `allowedHosts`; a request without one passes.
  /// - Throws: 403 for another host.
  func checkHost(_ host: String?) throws(ServiceRequestError) {
    guard let allowedHosts, let host else { return }
    guard let name = Self.hostName(fromHostHeader: host), allowedHosts.contains(name) else {
      throw ServiceRequestError(
        status: 403,
        message: "host \(ServiceRequest.quoted(host)) is not allowed (start the service with --allow-host to allow it)")
    }
  }

  /// Whether a request to a route that `writes` (or not) needs the token.
  func needsToken(writes: Bool) -> Bool {
    token != nil && (writes || tokenForReads)
  }

  /// Checks the `Authorization` header of a request that needs the token.
  /// - Throws: 401 when the bearer token is missing or wrong.
  func checkToken(_ authorization: String?) throws(ServiceRequestError) {
    guard let token else { return }
    guard let presented = ServiceRequest.bearerToken(fromAuthorization: authorization) else {
      throw ServiceRequestError(status: 401, message: "this request needs a bearer token (Authorization: Bearer TOKEN)")
    }
    guard ServiceRequest.tokensMatch(presented.utf8, token) else {
      throw ServiceRequestError(status: 401, message: "wrong bearer token")
    }
  }

  /// Whether `host` (an address or name, IPv6 with or without brackets) is a
  /// loopback address.
  static func isLoopback(_ host: String) -> Bool {
    var name = host.lowercased()
    if name.hasPrefix("[") && name.hasSuffix("]") { name = String(name.dropFirst().dropLast()) }
    return name == "localhost" || name.hasPrefix("127.") || name == "::1" || name == "0:0:0:0:0:0:0:1"
  }

  /// `origin` lowercased, without a trailing slash.
  static func normalizedOrigin(_ origin: String) -> String {
    var origin = origin.lowercased()
    while origin.hasSuffix("/") { origin.removeLast() }
    return origin
  }

  /// Whether `value` is an origin: `scheme://host` with an optional port and no
  /// path, or `null`.
  static func isOrigin(_ value: String) -> Bool {
    if value == "null" { return true }
    guard let separator = value.range(of: "://") else { return false }
    let scheme = value[..<separator.lowerBound]
    let authority = normalizedOrigin(String(value[separator.upperBound...]))
    return !scheme.isEmpty && scheme.allSatisfy { $0.isLetter || $0.isNumber || "+-.".contains($0) }
      && !authority.isEmpty && !authority.contains(where: { "/?#@ ".contains($0) })
  }

  /// The host name of a `Host` header (`example.org:8080` → "example.org",
  /// `[::1]:8080` → "::1"), lowercased; nil when malformed.
  static func hostName(fromHostHeader value: String) -> String? {
    let value = value.lowercased()
    if value.hasPrefix("[") {
      guard let close = value.firstIndex(of: "]") else { return nil }
      let rest = value[value.index(after: close)...]
      guard rest.isEmpty || (rest.hasPrefix(":") && rest.dropFirst().allSatisfy(\.isNumber)) else { return nil }
      return String(value[value.index(after: value.startIndex)..<close])
    }
    let parts = value.split(separator: ":", omittingEmptySubsequences: false)
    guard parts.count <= 2, !parts[0].isEmpty else { return nil }
    if parts.count == 2 && !parts[1].allSatisfy(\.isNumber) { return nil }
    return String(parts[0])
  }
}
