/// Progress of a running pipeline, reported after every batch and stage.
public struct PipelineProgress: Sendable {
  /// The stage under way ("read", "candidates", …).
  public var stage: String
  /// Documents read so far.
  public var documents: Int
  /// Input bytes read so far.
  public var bytes: Int
  /// Seconds since the run started.
  public var elapsed: Double

  /// Creates a progress report.
  public init(stage: String, documents: Int, bytes: Int, elapsed: Double) {
    self.stage = stage
    self.documents = documents
    self.bytes = bytes
    self.elapsed = elapsed
  }
}
