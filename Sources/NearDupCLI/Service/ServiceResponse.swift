import HTTPTypes
import Hummingbird
import NIOCore
import NearDupCore

/// Writes one JSON object as UTF-8, field by field, in the order given:
/// `{"key": value, "key": value}`. Strings are escaped by `appendJSONString`, and
/// similarities printed as the CLI prints them (`appendSimilarity`).
struct JSONObjectWriter {
  private(set) var bytes: [UInt8] = [UInt8(ascii: "{")]
  private var isEmpty = true

  /// A string field.
  mutating func add(_ key: String, _ value: String) {
    appendKey(key)
    appendJSONString(value, to: &bytes)
  }

  /// An integer field.
  mutating func add(_ key: String, _ value: some BinaryInteger) {
    appendKey(key)
    bytes += Array(String(value).utf8)
  }

  /// A boolean field.
  mutating func add(_ key: String, _ value: Bool) {
    appendKey(key)
    bytes += Array((value ? "true" : "false").utf8)
  }

  /// A number field in Swift's shortest round-trip form (`0.8`); `null` when not
  /// finite, which JSON cannot express.
  mutating func add(_ key: String, _ value: Double) {
    appendKey(key)
    bytes += Array((value.isFinite ? "\(value)" : "null").utf8)
  }

  /// A similarity in 0...1, with four decimals rounded down (`0.8734`).
  mutating func add(_ key: String, similarity value: Double) {
    appendKey(key)
    appendSimilarity(value, to: &bytes)
  }

  /// An array of objects.
  mutating func add(_ key: String, objects: [JSONObjectWriter]) {
    appendKey(key)
    bytes.append(UInt8(ascii: "["))
    for (position, object) in objects.enumerated() {
      if position > 0 { bytes += [UInt8(ascii: ","), UInt8(ascii: " ")] }
      bytes += object.finished
    }
    bytes.append(UInt8(ascii: "]"))
  }

  /// The object's bytes, closed.
  var finished: [UInt8] { bytes + [UInt8(ascii: "}")] }

  private mutating func appendKey(_ key: String) {
    if !isEmpty { bytes += [UInt8(ascii: ","), UInt8(ascii: " ")] }
    isEmpty = false
    appendJSONString(key, to: &bytes)
    bytes += [UInt8(ascii: ":"), UInt8(ascii: " ")]
  }
}

/// The responses of `neardup serve`: JSON bodies, with a newline at the end.
enum ServiceResponse {
  /// `object` as a JSON response with `status`.
  static func json(_ status: HTTPResponse.Status, _ object: JSONObjectWriter, headers: HTTPFields = [:]) -> Response {
    var buffer = ByteBuffer()
    buffer.writeBytes(object.finished)
    buffer.writeInteger(UInt8(ascii: "\n"))
    var headers = headers
    headers[.contentType] = "application/json"
    return Response(status: status, headers: headers, body: .init(byteBuffer: buffer))
  }

  /// `{"error": message}` with `status`.
  static func error(_ status: HTTPResponse.Status, _ message: String, headers: HTTPFields = [:]) -> Response {
    var object = JSONObjectWriter()
    object.add("error", message)
    return json(status, object, headers: headers)
  }

  /// The error response for a refused request; 401 carries
  /// `WWW-Authenticate: Bearer`.
  static func error(_ failure: ServiceRequestError) -> Response {
    var headers: HTTPFields = [:]
    if failure.status == 401 { headers[.wwwAuthenticate] = "Bearer realm=\"neardup\"" }
    return error(HTTPResponse.Status(code: failure.status), failure.message, headers: headers)
  }
}
