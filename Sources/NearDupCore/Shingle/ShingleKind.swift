/// How a document is cut into shingles.
public enum ShingleKind: String, Sendable, CaseIterable, Codable {
  /// Word n-grams: n consecutive tokens. The default, for ordinary prose.
  case word
  /// Character n-grams: n consecutive characters of the normalized text, tokens
  /// joined by one space. For headlines and scripts written without spaces.
  case character = "char"
}
