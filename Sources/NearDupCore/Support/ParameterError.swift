/// A parameter outside its valid range, thrown by the initializers that check
/// them; reported before any work starts.
public enum ParameterError: Error, Equatable, CustomStringConvertible {
  /// A similarity threshold outside (0, 1].
  case threshold(Double)
  /// A shingle size (n) below 1.
  case shingleSize(Int)
  /// A permutation count outside `SketchParameters.permutationCounts`.
  case permutationCount(Int)
  /// A banding below one band or row, or with more slots than permutations.
  case bandsAndRows(bands: Int, rows: Int, permutationCount: Int)
  /// A thread count outside the `allowed` range (`ClusterConfiguration.threadCounts`).
  case threads(Int, allowed: ClosedRange<Int>)
  /// A boilerplate share outside (0, 1).
  case boilerplateShare(Double)
  /// A boilerplate sample below one document.
  case boilerplateSample(Int)
  /// A batch size below one document.
  case batchSize(Int)
  /// A query's smallest similarity outside [0, 1].
  case queryThreshold(Double)
  /// A query's result count below 1.
  case top(Int)

  /// The problem, and what to give instead.
  public var description: String {
    switch self {
    case .threshold(let value):
      "threshold \(value) is outside (0, 1]; use a similarity such as 0.8"
    case .shingleSize(let value):
      "n-gram size \(value) must be at least 1"
    case .permutationCount(let value):
      "permutation count \(value) must be in 1...4096"
    case .bandsAndRows(let bands, let rows, let permutationCount):
      "\(bands) bands × \(rows) rows exceed the \(permutationCount) permutations; "
        + "lower --bands or --rows, or raise --permutations"
    case .threads(let value, let allowed):
      "thread count \(value) must be in \(allowed)"
    case .boilerplateShare(let value):
      "boilerplate share \(value) is outside (0, 1); use a small share such as 0.005, or none to keep every shingle"
    case .boilerplateSample(let value):
      "boilerplate sample \(value) must be at least 1 document"
    case .batchSize(let value):
      "batch size \(value) must be at least 1 document"
    case .queryThreshold(let value):
      "query threshold \(value) is outside [0, 1]"
    case .top(let value):
      "the number of matches \(value) must be at least 1"
    }
  }
}
