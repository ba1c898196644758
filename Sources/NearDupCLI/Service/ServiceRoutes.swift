import HTTPTypes
import Hummingbird
import NIOCore
import NearDupCore

/// The routes of `neardup serve`, matched on the raw path: `/documents/{id}`
/// takes one path segment, percent-decoded, so an id holding `/` is sent as `%2F`.
///
/// | route | body | answer |
/// |---|---|---|
/// | `POST /query` | `{"text": …, "title"?: …, "threshold"?: …, "top"?: …, "exact"?: …}` | `{"matches": [{"id", "title", "jaccard", "exact"?, "containment"?}]}` |
/// | `POST /documents` | `{"id", "text", "title"?}` or `{"documents": [...]}`; `?replace=true` | 201 `{"added", "replaced", "documents"}` |
/// | `DELETE /documents/{id}` | | `{"removed": id, "documents"}` |
/// | `GET /documents/{id}` | | `{"id", "title", "tokens", "shingles", "segment"}` |
/// | `GET /stats` | | sizes and parameters |
/// | `GET /health` | | `{"status": "ok", "documents"}` |
///
/// docs/HTTP-API.md is the reference for clients.
enum ServiceRoute: Equatable {
  case health
  case stats
  case query
  case documents
  /// `/documents/{id}`, with the segment as sent (still percent-encoded).
  case document(Substring)

  /// The route of a path (without its query string), nil when none matches.
  init?(path: String) {
    let segments = path.split(separator: "/", omittingEmptySubsequences: false)
    guard segments.count >= 2, segments[0].isEmpty else { return nil }
    switch (segments[1], segments.count) {
    case ("health", 2): self = .health
    case ("stats", 2): self = .stats
    case ("query", 2): self = .query
    case ("documents", 2): self = .documents
    case ("documents", 3): self = .document(segments[2])
    default: return nil
    }
  }

  /// The methods the route answers, OPTIONS aside.
  var methods: [HTTPRequest.Method] {
    switch self {
    case .health, .stats: [.get, .head]
    case .query, .documents: [.post]
    case .document: [.get, .head, .delete]
    }
  }

  /// The `Allow` header's value.
  var allowHeader: String { (methods + [.options]).map(\.rawValue).joined(separator: ", ") }

  /// Whether `method` changes the index on this route.
  func writes(_ method: HTTPRequest.Method) -> Bool {
    method == .post && self == .documents || method == .delete
  }
}

/// Answers every request of `neardup serve`: applies `ServiceAccess`, routes, and
/// turns every refusal or failure into a JSON error (`{"error": "…"}`).
///
/// The checks run in this order, each answering with its own status: the `Host`
/// and `Origin` headers (403), the route (404) and method (405, with `Allow`), the
/// bearer token (401, with `WWW-Authenticate`), the `Content-Type` of POST and
/// DELETE (415), the body size (413), then the route's own checks (400, 404, 409).
struct ServiceResponder: HTTPResponder {
  typealias Context = BasicRequestContext

  let service: IndexService
  let access: ServiceAccess
  /// The largest request body accepted, in bytes.
  let maximumBodySize: Int

  func respond(to request: Request, context: Context) async throws -> Response {
    var origin: String?
    var response: Response
    do throws(ServiceRequestError) {
      origin = try checkSender(request)
      response = try await route(request, origin: origin)
    } catch {
      response = ServiceResponse.error(error)
    }
    if let origin {
      response.headers[.accessControlAllowOrigin] = origin
      response.headers[.vary] = "Origin"
    }
    return response
  }

  /// Checks `Host` and `Origin`; returns the allowed origin, if any.
  private func checkSender(_ request: Request) throws(ServiceRequestError) -> String? {
    if request.headers.contains(where: { $0.name.canonicalName == "host" }) {
      throw .badRequest("more than one Host header")
    }
    try access.checkHost(request.head.authority)
    return try access.checkOrigin(request.headers[.origin])
  }

  private func route(_ request: Request, origin: String?) async throws(ServiceRequestError) -> Response {
    guard let route = ServiceRoute(path: request.uri.path) else {
      let hint = request.uri.path.hasPrefix("/documents/") ? " (percent-encode a '/' in an id as %2F)" : ""
      throw ServiceRequestError(status: 404, message: "no route \(ServiceRequest.quoted(request.uri.path))\(hint)")
    }
    if request.method == .options {
      var headers: HTTPFields = [.allow: route.allowHeader]
      if origin != nil {
        headers[.accessControlAllowMethods] = route.allowHeader
        headers[.accessControlAllowHeaders] = "Content-Type, Authorization"
        headers[.accessControlMaxAge] = "600"
      }
      return Response(status: .noContent, headers: headers)
    }
    guard route.methods.contains(request.method) else {
      return ServiceResponse.error(
        .methodNotAllowed, "\(request.method.rawValue) is not allowed on \(ServiceRequest.quoted(request.uri.path))",
        headers: [.allow: route.allowHeader])
    }
    if access.needsToken(writes: route.writes(request.method)) {
      try access.checkToken(request.headers[.authorization])
    }
    if request.method == .post || request.method == .delete {
      try ServiceRequest.checkJSONContentType(request.headers[.contentType])
    }
    let response: Response
    switch route {
    case .health: response = health()
    case .stats: response = stats()
    case .query: response = try query(body: try await body(of: request))
    case .documents:
      let replacing = try ServiceRequest.replaceFlag(request.uri.queryParameters["replace"])
      response = try await add(body: try await body(of: request), replacing: replacing)
    case .document(let segment):
      let id = try ServiceRequest.documentID(fromPathSegment: segment)
      response = request.method == .delete ? try await remove(id: id) : try document(id: id)
    }
    return request.method == .head ? response.createHeadResponse() : response
  }

  // MARK: Routes

  private func health() -> Response {
    var object = JSONObjectWriter()
    object.add("status", "ok")
    object.add("documents", service.current.documentCount)
    return ServiceResponse.json(.ok, object)
  }

  private func stats() -> Response {
    let statistics = service.current.statistics()
    let parameters = statistics.parameters
    var object = JSONObjectWriter()
    object.add("documents", statistics.documents)
    object.add("removed", statistics.removed)
    object.add("bytes", statistics.bytes)
    object.add("segments", statistics.segments.count)
    object.add("generation", statistics.generation)
    object.add("threshold", parameters.threshold)
    object.add("measure", parameters.measure.rawValue)
    object.add("permutations", parameters.sketch.permutationCount)
    object.add("bands", parameters.lsh.bands)
    object.add("rows", parameters.lsh.rows)
    return ServiceResponse.json(.ok, object)
  }

  private func query(body: [UInt8]) throws(ServiceRequestError) -> Response {
    let request = try ServiceRequest.query(from: body)
    var querier = IndexQuerier(index: service.current)
    let matches: [QueryMatch]
    do {
      matches = try querier.query(
        text: request.sketchedText, options: QueryOptions(threshold: request.threshold, top: request.top))
    } catch {
      return ServiceResponse.error(.internalServerError, "\(error)")
    }
    var object = JSONObjectWriter()
    object.add(
      "matches",
      objects: matches.map { match in
        var object = JSONObjectWriter()
        object.add("id", match.id)
        object.add("title", match.preview)
        object.add("jaccard", similarity: match.jaccard)
        if request.exact { object.add("exact", similarity: match.exactJaccard) }
        if let containment = match.containment { object.add("containment", similarity: containment) }
        return object
      })
    return ServiceResponse.json(.ok, object)
  }

  private func add(body: [UInt8], replacing: Bool) async throws(ServiceRequestError) -> Response {
    let documents = try ServiceRequest.documents(from: body)
    do {
      let replaced = try await service.add(documents, replacing: replacing)
      var object = JSONObjectWriter()
      object.add("added", documents.count)
      object.add("replaced", replaced)
      object.add("documents", service.current.documentCount)
      return ServiceResponse.json(.created, object)
    } catch IndexFileError.duplicateID(_, let id) {
      return ServiceResponse.error(
        .conflict, "id \(ServiceRequest.quoted(id)) is already in the index (add ?replace=true to replace it)")
    } catch {
      return ServiceResponse.error(.internalServerError, "\(error)")
    }
  }

  private func remove(id: String) async -> Response {
    do {
      try await service.remove(id: id)
      var object = JSONObjectWriter()
      object.add("removed", id)
      object.add("documents", service.current.documentCount)
      return ServiceResponse.json(.ok, object)
    } catch IndexFileError.unknownID {
      return ServiceResponse.error(.notFound, "no document with id \(ServiceRequest.quoted(id))")
    } catch {
      return ServiceResponse.error(.internalServerError, "\(error)")
    }
  }

  private func document(id: String) throws(ServiceRequestError) -> Response {
    let found: LSHIndex.StoredDocument?
    do {
      found = try service.current.document(withID: id)
    } catch {
      return ServiceResponse.error(.internalServerError, "\(error)")
    }
    guard let found else {
      throw ServiceRequestError(status: 404, message: "no document with id \(ServiceRequest.quoted(id))")
    }
    var object = JSONObjectWriter()
    object.add("id", found.id)
    object.add("title", found.preview)
    object.add("tokens", found.tokenCount)
    object.add("shingles", found.shingleCount)
    object.add("segment", found.segment)
    return ServiceResponse.json(.ok, object)
  }

  // MARK: Bodies

  /// The request body, refusing more than `maximumBodySize` bytes with 413 (at
  /// once when `Content-Length` announces more).
  private func body(of request: Request) async throws(ServiceRequestError) -> [UInt8] {
    let tooLarge = ServiceRequestError(status: 413, message: "request body larger than \(maximumBodySize) bytes")
    if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > maximumBodySize { throw tooLarge }
    do {
      let buffer = try await request.body.collect(upTo: maximumBodySize)
      return Array(buffer.readableBytesView)
    } catch is NIOTooManyBytesError {
      throw tooLarge
    } catch {
      throw .badRequest("the request body could not be read: \(error)")
    }
  }
}
