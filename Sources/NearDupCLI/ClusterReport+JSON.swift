import Foundation
import NearDupCore

/// The JSON report of `neardup cluster --report json`: counts, parameters and stage
/// times of one run. `neardup bench` decodes it from its child runs, so the one
/// type defines the format for both.
///
/// Keys are snake_case and sorted, so that the same run prints the same bytes;
/// times are in seconds, rounded to microseconds.
struct ClusterReportJSON: Codable, Equatable {
  /// The run's parameters.
  struct Parameters: Codable, Equatable {
    var sketch: String
    var shingle: String
    var ngram: Int
    var permutations: Int
    var threshold: Double
    var measure: String
    var verify: String
    var bands: Int
    var rows: Int
  }

  /// Wall-clock seconds of each stage.
  struct Seconds: Codable, Equatable {
    var total: Double
    var boilerplate: Double
    var readAndSketch: Double
    var group: Double
    var candidates: Double
    var verify: Double
    var cluster: Double
  }

  /// Seconds summed over threads, per stage of reading and sketching.
  struct ThreadSeconds: Codable, Equatable {
    var read: Double
    var parse: Double
    var tokenize: Double
    var fingerprint: Double
    var sketch: Double
  }

  var documents: Int
  var bytes: Int
  var threads: Int
  var skipped: Int
  var skippedMessages: [String]
  var empty: Int
  var invalidUtf8: Int
  var identical: Int
  var candidates: Int
  var verified: Int
  var clusters: Int
  var clusteredDocuments: Int
  var duplicates: Int
  var stateBytes: Int
  var parameters: Parameters
  var seconds: Seconds
  var threadSeconds: ThreadSeconds

  /// The report of `result`.
  init(_ result: ClusterResult) {
    let statistics = result.statistics
    let configuration = result.configuration
    let times = statistics.times
    let thread = statistics.threadTimes
    func rounded(_ value: Double) -> Double { (value * 1e6).rounded() / 1e6 }
    documents = statistics.documents
    bytes = statistics.bytesRead
    threads = statistics.threads
    skipped = statistics.skippedRecords
    skippedMessages = statistics.skippedMessages
    empty = statistics.emptyDocuments
    invalidUtf8 = statistics.invalidUTF8Documents
    identical = statistics.identicalDuplicates
    candidates = statistics.candidatePairs
    verified = statistics.verifiedPairs
    clusters = result.clusters.count
    clusteredDocuments = result.clusteredDocumentCount
    duplicates = result.duplicateCount
    stateBytes = result.stateByteCount
    parameters = Parameters(
      sketch: configuration.sketch.scheme.rawValue, shingle: configuration.sketch.shingle.rawValue,
      ngram: configuration.sketch.shingleSize, permutations: configuration.sketch.permutationCount,
      threshold: configuration.threshold, measure: configuration.measure.rawValue,
      verify: configuration.verification.rawValue, bands: result.lsh.bands, rows: result.lsh.rows)
    seconds = Seconds(
      total: rounded(times.total), boilerplate: rounded(times.boilerplate), readAndSketch: rounded(times.front),
      group: rounded(times.group), candidates: rounded(times.candidates), verify: rounded(times.verify),
      cluster: rounded(times.cluster))
    threadSeconds = ThreadSeconds(
      read: rounded(thread.read), parse: rounded(thread.parse), tokenize: rounded(thread.tokenize),
      fingerprint: rounded(thread.fingerprint), sketch: rounded(thread.sketch))
  }

  /// The encoder of NearDup's JSON reports: snake_case keys, sorted, no escaped slashes.
  static var encoder: JSONEncoder {
    let encoder = JSONEncoder()
    encoder.keyEncodingStrategy = .convertToSnakeCase
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return encoder
  }

  /// The decoder matching `encoder`.
  static var decoder: JSONDecoder {
    let decoder = JSONDecoder()
    decoder.keyDecodingStrategy = .convertFromSnakeCase
    return decoder
  }
}
