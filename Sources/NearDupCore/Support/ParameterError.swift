/// A parameter outside its valid range. Reported before any work starts.
public enum ParameterError: Error, Equatable, CustomStringConvertible {
  /// A similarity threshold outside (0, 1].
  case threshold(Double)
  /// An n-gram size below 1.
  case shingleSize(Int)
  /// A permutation count outside 1...4096.
  case permutationCount(Int)
  /// A banding whose bands × rows exceed the permutations.
  case bandsAndRows(bands: Int, rows: Int, permutationCount: Int)
  /// A thread count outside the `allowed` range.
  case threads(Int, allowed: ClosedRange<Int>)

  /// The message shown to the user: the value, the valid range, and a hint.
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
    }
  }
}
