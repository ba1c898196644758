import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NearDupCore

/// The HTTP JSON API of `neardup serve`.
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
/// Errors are JSON `{"error": "…"}` with 400 (malformed JSON or fields), 404 (unknown
/// id or route), 409 (duplicate id), 413 (body over the limit) or 500.
enum ServiceRoutes {
  /// Builds the router for `service`, accepting request bodies up to `maximumBodySize`.
  static func router(service: IndexService, maximumBodySize: Int) -> Router<BasicRequestContext> {
    let router = Router()
    router.get("/health") { _, _ in
      json(.ok, "{\"status\": \"ok\", \"documents\": \(service.current.documentCount)}")
    }
    router.get("/stats") { _, _ in
      let statistics = service.current.statistics()
      let parameters = statistics.parameters
      return json(
        .ok,
        "{\"documents\": \(statistics.documents), \"removed\": \(statistics.removed), \"bytes\": \(statistics.bytes), "
          + "\"segments\": \(statistics.segments.count), \"generation\": \(statistics.generation), "
          + "\"threshold\": \(parameters.threshold), \"measure\": \"\(parameters.measure.rawValue)\", "
          + "\"permutations\": \(parameters.sketch.permutationCount), \"bands\": \(parameters.lsh.bands), "
          + "\"rows\": \(parameters.lsh.rows)}")
    }
    router.post("/query") { request, _ in
      let body: QueryBody
      do {
        body = try await decode(QueryBody.self, from: request, limit: maximumBodySize)
      } catch let failure as ServiceFailure {
        return failure.response
      }
      if let threshold = body.threshold, !(threshold > 0 && threshold <= 1) {
        return error(.badRequest, "threshold must be in (0, 1]")
      }
      if let top = body.top, top < 1 { return error(.badRequest, "top must be at least 1") }
      var querier = IndexQuerier(index: service.current)
      let text = (body.title ?? "").isEmpty ? body.text : body.title! + "\n" + body.text
      do {
        let matches = try querier.query(
          text: text, options: QueryOptions(threshold: body.threshold, top: body.top))
        let objects = matches.map { QueryPrinter.matchJSON($0, exact: body.exact ?? false, title: true) }
        return json(.ok, "{\"matches\": [" + objects.joined(separator: ", ") + "]}")
      } catch {
        return self.error(.internalServerError, "\(error)")
      }
    }
    router.post("/documents") { request, _ in
      let documents: [DocumentBody]
      do {
        let body = try await collect(request, limit: maximumBodySize)
        if let batch = try? JSONDecoder().decode(DocumentBatchBody.self, from: body) {
          documents = batch.documents
        } else {
          documents = [try decode(DocumentBody.self, from: body)]
        }
      } catch let failure as ServiceFailure {
        return failure.response
      }
      guard !documents.isEmpty else { return error(.badRequest, "no documents given") }
      if let empty = documents.first(where: { $0.id.isEmpty }) { return error(.badRequest, "empty id (text starts \"\(empty.text.prefix(20))\")") }
      var seen = Set<String>()
      for document in documents where !seen.insert(document.id).inserted {
        return error(.badRequest, "id \"\(document.id)\" appears twice in the request")
      }
      let replacing = request.uri.queryParameters.get("replace") == "true"
      do {
        let replaced = try await service.add(documents.map { ($0.id, $0.title, $0.text) }, replacing: replacing)
        return json(
          .created,
          "{\"added\": \(documents.count), \"replaced\": \(replaced), \"documents\": \(service.current.documentCount)}")
      } catch IndexFileError.duplicateID(_, let id) {
        return error(.conflict, "id \"\(id)\" is already in the index (add ?replace=true to replace it)")
      } catch {
        return self.error(.internalServerError, "\(error)")
      }
    }
    router.delete("/documents/:id") { _, context in
      let id = try context.parameters.require("id")
      do {
        try await service.remove(id: id)
        return json(.ok, "{\"removed\": \(jsonString(id)), \"documents\": \(service.current.documentCount)}")
      } catch IndexFileError.unknownID {
        return error(.notFound, "no document with id \"\(id)\"")
      } catch {
        return self.error(.internalServerError, "\(error)")
      }
    }
    router.get("/documents/:id") { _, context in
      let id = try context.parameters.require("id")
      do {
        guard let document = try service.current.document(withID: id) else {
          return error(.notFound, "no document with id \"\(id)\"")
        }
        return json(
          .ok,
          "{\"id\": \(jsonString(document.id)), \"title\": \(jsonString(document.preview)), "
            + "\"tokens\": \(document.tokenCount), \"shingles\": \(document.shingleCount), "
            + "\"segment\": \(jsonString(document.segment))}")
      } catch {
        return self.error(.internalServerError, "\(error)")
      }
    }
    return router
  }

  // MARK: Bodies

  struct QueryBody: Decodable {
    var text: String
    var title: String?
    var threshold: Double?
    var top: Int?
    var exact: Bool?
  }

  struct DocumentBody: Decodable {
    var id: String
    var text: String
    var title: String?
  }

  struct DocumentBatchBody: Decodable {
    var documents: [DocumentBody]
  }

  /// A request that cannot be served, with the response that says why.
  struct ServiceFailure: Error {
    var response: Response
  }

  /// The request body, refusing more than `limit` bytes with 413.
  static func collect(_ request: Request, limit: Int) async throws(ServiceFailure) -> Data {
    do {
      let buffer = try await request.body.collect(upTo: limit)
      return Data(buffer.readableBytesView)
    } catch {
      throw ServiceFailure(response: self.error(.contentTooLarge, "request body larger than \(limit) bytes"))
    }
  }

  static func decode<Body: Decodable>(_ type: Body.Type, from request: Request, limit: Int) async throws(ServiceFailure)
    -> Body
  {
    try decode(type, from: try await collect(request, limit: limit))
  }

  /// Decodes JSON, turning every failure into a 400 that says what is wrong.
  static func decode<Body: Decodable>(_ type: Body.Type, from data: Data) throws(ServiceFailure) -> Body {
    do {
      return try JSONDecoder().decode(type, from: data)
    } catch DecodingError.keyNotFound(let key, _) {
      throw ServiceFailure(response: error(.badRequest, "missing field \"\(key.stringValue)\""))
    } catch DecodingError.typeMismatch(_, let context) {
      let field = context.codingPath.map(\.stringValue).joined(separator: ".")
      throw ServiceFailure(response: error(.badRequest, "field \"\(field)\" has the wrong type"))
    } catch DecodingError.valueNotFound(_, let context) {
      let field = context.codingPath.map(\.stringValue).joined(separator: ".")
      throw ServiceFailure(response: error(.badRequest, "field \"\(field)\" is null"))
    } catch {
      throw ServiceFailure(response: self.error(.badRequest, "malformed JSON body"))
    }
  }

  // MARK: Responses

  static func json(_ status: HTTPResponse.Status, _ body: String) -> Response {
    var buffer = ByteBuffer()
    buffer.writeString(body)
    buffer.writeString("\n")
    return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: buffer))
  }

  static func error(_ status: HTTPResponse.Status, _ message: String) -> Response {
    json(status, "{\"error\": \(jsonString(message))}")
  }

  static func jsonString(_ value: String) -> String {
    var bytes: [UInt8] = []
    appendJSONString(value, to: &bytes)
    return String(decoding: bytes, as: UTF8.self)
  }
}
