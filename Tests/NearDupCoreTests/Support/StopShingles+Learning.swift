@testable import NearDupCore

extension StopShingles {
  /// The stop shingles of `texts`: those in at least `share` of them and in at least
  /// `minimumDocuments`.
  /// - Complexity: O(bytes + shingles).
  static func learn(
    from texts: [String], parameters: SketchParameters, share: Double,
    minimumDocuments: Int = BoilerplateLearning.defaultMinimumDocuments
  ) -> StopShingles {
    var sketcher = DocumentSketcher(parameters: parameters, retention: .fingerprints)
    var tally = ShingleTally()
    for text in texts {
      var copy = text
      _ = copy.withUTF8 { sketcher.sketch(title: nil, body: $0, signature: nil) }
      tally.add(document: sketcher.fingerprints)
    }
    return StopShingles(tallies: [tally], share: share, minimumDocuments: minimumDocuments)
  }
}
