/// One article given in memory: the unit NearDup clusters.
///
/// The title, when there is one, is shingled before the text, as a JSON Lines
/// record's title field is; ids must be unique within one run.
public struct Document: Sendable, Hashable {
  /// The caller's identifier, reported back in clusters and query matches.
  public var id: String
  /// The headline, if any.
  public var title: String?
  /// The body text.
  public var text: String

  /// Creates a document.
  public init(id: String, title: String? = nil, text: String) {
    self.id = id
    self.title = title
    self.text = text
  }
}
