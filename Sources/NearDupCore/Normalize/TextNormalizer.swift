/// Turns raw UTF-8 text into case-folded tokens, the first stage of the pipeline.
///
/// Rules, applied in one pass over the bytes (ASCII takes a table-driven fast path,
/// other scalars a 64 Ki-entry table for the Basic Multilingual Plane):
/// - A token is a maximal run of letters, digits and combining marks in any script:
///   Latin, Cyrillic, Greek, Arabic and CJK text is kept, never dropped. Everything
///   else (space, punctuation, symbols, emoji) separates tokens.
/// - Letters are case-folded: "Korea" → "korea", "STRASSE" and "straße" → "strasse".
/// - Typographic apostrophes ’ ‘ fold to ' and, like ', stay inside a word when
///   both neighbours are token characters ("Korea’s" → "korea's"); typographic
///   quotes and dashes (“ ” – —) separate tokens exactly as " and - do.
/// - With `splitsGluedWords`, a lowercase letter directly followed by an uppercase
///   one starts a new token, undoing words glued together by scraping:
///   "EthermacTuesday" → "ethermac" "tuesday", "saysNorth" → "says" "north".
/// - Invalid UTF-8 is read as U+FFFD (a separator) and counted.
///
/// ```swift
/// TextNormalizer().tokens(of: "on EthermacTuesday hosted") // ["on", "ethermac", "tuesday", "hosted"]
/// ```
///
/// - Complexity: O(b) for b input bytes; allocation-free once the `TokenBuffer`
///   has grown to the largest document.
public struct TextNormalizer: Sendable {
  /// Whether lowercase-to-uppercase transitions split a token.
  public var splitsGluedWords: Bool

  /// Creates a normalizer.
  public init(splitsGluedWords: Bool = true) {
    self.splitsGluedWords = splitsGluedWords
  }

  /// Tokenizes `text`, replacing the contents of `tokens`.
  /// - Complexity: O(text.count).
  public func tokenize(_ text: UnsafeBufferPointer<UInt8>, into tokens: inout TokenBuffer) {
    tokens.prepare(forInputByteCount: text.count)
    let (byteCount, tokenCount, invalid) = tokens.storage.withUnsafeMutableBufferPointer { out in
      tokens.endStorage.withUnsafeMutableBufferPointer { ends in
        Self.asciiClasses.withUnsafeBufferPointer { ascii in
          var writer = TokenWriter(
            out: out.baseAddress!, ends: ends.baseAddress!, splitsGluedWords: splitsGluedWords)
          let invalid = Self.scan(text, ascii: ascii, writer: &writer)
          writer.separator()
          return (writer.byteCount, writer.tokenCount, invalid)
        }
      }
    }
    tokens.byteCount = byteCount
    tokens.count = tokenCount
    tokens.invalidUTF8Count = invalid
  }

  /// Tokenizes a string; a convenience for tests and small inputs.
  /// - Complexity: O(text.utf8.count).
  public func tokens(of text: String) -> [String] {
    var buffer = TokenBuffer()
    var copy = text
    copy.withUTF8 { tokenize($0, into: &buffer) }
    return buffer.tokens
  }

  /// Walks the scalars of `text`, feeding `writer`. Returns the number of invalid
  /// UTF-8 sequences.
  @inline(__always)
  private static func scan(
    _ text: UnsafeBufferPointer<UInt8>, ascii: UnsafeBufferPointer<UInt8>,
    writer: inout TokenWriter
  ) -> Int {
    var invalid = 0
    var i = 0
    let n = text.count
    while i < n {
      let lead = text[i]
      if lead < 0x80 {
        let scalarClass = ascii[Int(lead)]
        switch scalarClass {
        case ScalarClass.separator.rawValue: writer.separator()
        case ScalarClass.apostrophe.rawValue: writer.apostrophe()
        case ScalarClass.upper.rawValue:
          writer.beginScalar(.upper)
          writer.write(lead | 0x20)
        default:
          writer.beginScalar(scalarClass == ScalarClass.lower.rawValue ? .lower : .caseless)
          writer.write(lead)
        }
        i += 1
        continue
      }
      let (value, length) = decodeScalar(text, at: i)
      guard length > 0 else {
        invalid += 1
        i += 1
        writer.separator()
        continue
      }
      i += length
      writer.write(nonASCII: value)
    }
    return invalid
  }

  /// Decodes the multi-byte UTF-8 sequence at `i`. Returns length 0 when it is
  /// invalid (bad lead byte, truncated, overlong, surrogate or beyond U+10FFFF).
  @inline(__always)
  private static func decodeScalar(_ text: UnsafeBufferPointer<UInt8>, at i: Int) -> (UInt32, Int) {
    let n = text.count
    let b0 = text[i]
    @inline(__always) func isContinuation(_ byte: UInt8) -> Bool { byte & 0xC0 == 0x80 }
    switch b0 {
    case 0xC2...0xDF:
      guard i + 1 < n, isContinuation(text[i + 1]) else { return (0, 0) }
      return (UInt32(b0 & 0x1F) << 6 | UInt32(text[i + 1] & 0x3F), 2)
    case 0xE0...0xEF:
      guard i + 2 < n else { return (0, 0) }
      let b1 = text[i + 1]
      let b2 = text[i + 2]
      let low: UInt8 = b0 == 0xE0 ? 0xA0 : 0x80
      let high: UInt8 = b0 == 0xED ? 0x9F : 0xBF
      guard b1 >= low, b1 <= high, isContinuation(b2) else { return (0, 0) }
      return (UInt32(b0 & 0x0F) << 12 | UInt32(b1 & 0x3F) << 6 | UInt32(b2 & 0x3F), 3)
    case 0xF0...0xF4:
      guard i + 3 < n else { return (0, 0) }
      let b1 = text[i + 1]
      let b2 = text[i + 2]
      let b3 = text[i + 3]
      let low: UInt8 = b0 == 0xF0 ? 0x90 : 0x80
      let high: UInt8 = b0 == 0xF4 ? 0x8F : 0xBF
      guard b1 >= low, b1 <= high, isContinuation(b2), isContinuation(b3) else { return (0, 0) }
      let value =
        UInt32(b0 & 0x07) << 18 | UInt32(b1 & 0x3F) << 12 | UInt32(b2 & 0x3F) << 6
        | UInt32(b3 & 0x3F)
      return (value, 4)
    default:
      return (0, 0)
    }
  }

  /// `ScalarClass` raw values of the 128 ASCII scalars.
  private static let asciiClasses: [UInt8] = (0..<128).map { (byte: Int) -> UInt8 in
    switch UInt8(byte) {
    case UInt8(ascii: "a")...UInt8(ascii: "z"): ScalarClass.lower.rawValue
    case UInt8(ascii: "A")...UInt8(ascii: "Z"): ScalarClass.upper.rawValue
    case UInt8(ascii: "0")...UInt8(ascii: "9"): ScalarClass.caseless.rawValue
    case UInt8(ascii: "'"): ScalarClass.apostrophe.rawValue
    default: ScalarClass.separator.rawValue
    }
  }
}

/// The tokenizer's output cursor and state machine, kept in registers.
///
/// - Invariant: `inToken` is true exactly when a token has been started and not yet
///   finished; `pendingApostrophe` only while `inToken`.
private struct TokenWriter {
  let out: UnsafeMutablePointer<UInt8>
  let ends: UnsafeMutablePointer<Int32>
  let splitsGluedWords: Bool
  var byteCount = 0
  var tokenCount = 0
  var inToken = false
  var previousWasLower = false
  var pendingApostrophe = false

  init(out: UnsafeMutablePointer<UInt8>, ends: UnsafeMutablePointer<Int32>, splitsGluedWords: Bool) {
    self.out = out
    self.ends = ends
    self.splitsGluedWords = splitsGluedWords
  }

  /// A separator: finishes the current token, dropping a trailing apostrophe.
  @inline(__always)
  mutating func separator() {
    if inToken { finishToken() }
  }

  /// An apostrophe: kept only if a token character follows it directly.
  @inline(__always)
  mutating func apostrophe() {
    if inToken && !pendingApostrophe { pendingApostrophe = true } else { separator() }
  }

  /// Starts or continues a token with a scalar of class `scalarClass`, whose
  /// folded bytes the caller writes next.
  @inline(__always)
  mutating func beginScalar(_ scalarClass: ScalarClass) {
    if inToken {
      if pendingApostrophe {
        write(UInt8(ascii: "'"))
        pendingApostrophe = false
      } else if splitsGluedWords && previousWasLower && scalarClass == .upper {
        finishToken()
        inToken = true
      }
    } else {
      inToken = true
    }
    if scalarClass != .mark { previousWasLower = scalarClass == .lower }
  }

  @inline(__always)
  mutating func finishToken() {
    ends[tokenCount] = Int32(truncatingIfNeeded: byteCount)
    tokenCount += 1
    inToken = false
    pendingApostrophe = false
    previousWasLower = false
  }

  @inline(__always)
  mutating func write(_ byte: UInt8) {
    out[byteCount] = byte
    byteCount += 1
  }

  /// Classifies and writes a scalar above U+007F.
  mutating func write(nonASCII value: UInt32) {
    if value < 0x10000 {
      let table = UnicodeClasses.shared
      let scalarClass = ScalarClass(rawValue: table.classes[Int(value)])!
      switch scalarClass {
      case .separator: separator()
      case .apostrophe: apostrophe()
      default:
        beginScalar(scalarClass)
        let fold = table.folds[Int(value)]
        if fold == UnicodeClasses.multiScalarMarker {
          for byte in table.multiScalarFolds[value]! { write(byte) }
        } else {
          write(scalarValue: fold)
        }
      }
      return
    }
    // Emoji and pictographs: by far the most common scalars above the BMP.
    if (0x1F000...0x1FAFF).contains(value) {
      separator()
      return
    }
    let (scalarClass, fold) = UnicodeClasses.classify(Unicode.Scalar(value)!)
    switch scalarClass {
    case .separator: separator()
    case .apostrophe: apostrophe()
    default:
      beginScalar(scalarClass)
      for scalar in fold { write(scalarValue: scalar.value) }
    }
  }

  /// Writes the UTF-8 encoding of a valid scalar value.
  @inline(__always)
  mutating func write(scalarValue value: UInt32) {
    encodeUTF8(value) { write($0) }
  }
}
