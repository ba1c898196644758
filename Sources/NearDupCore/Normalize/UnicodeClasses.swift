import Dispatch

/// How the tokenizer treats one Unicode scalar.
@usableFromInline
enum ScalarClass: UInt8 {
  /// Ends a token: spaces, punctuation, symbols, emoji, U+FFFD.
  case separator = 0
  /// A lowercase letter.
  case lower = 1
  /// An uppercase or titlecase letter; after a lowercase letter it may start a new token.
  case upper = 2
  /// A letter without case, or a digit (CJK, Arabic, Hebrew, Thai, 0-9, …).
  case caseless = 3
  /// A combining mark: continues the token it follows.
  case mark = 4
  /// An apostrophe (', ’ or ‘): kept, as ', between two token characters.
  case apostrophe = 5
}

/// Classes and case folds of Unicode scalars, computed once per process.
///
/// The Basic Multilingual Plane (which holds every script news is written in) is
/// tabulated: 64 Ki classes and folds, built from the standard library's Unicode
/// properties on first use. Scalars above it are classified on the fly.
///
/// Case folding maps a scalar to the lowercase of its uppercase, so "ß" and "SS"
/// both become "ss" and final "ς" becomes "σ".
final class UnicodeClasses: Sendable {
  /// The shared table, built on first use (thread-safe lazy global).
  static let shared = UnicodeClasses()

  /// Marks a fold longer than one scalar, stored in `multiScalarFolds`.
  static let multiScalarMarker: UInt32 = 0xFFFF_FFFF

  /// Class of every BMP scalar, as `ScalarClass.rawValue`.
  let classes: [UInt8]
  /// Fold of every BMP scalar: the folded scalar, or `multiScalarMarker`.
  let folds: [UInt32]
  /// UTF-8 of folds that are longer than one scalar ("ß" → "ss").
  let multiScalarFolds: [UInt32: [UInt8]]

  private init() {
    var classes = [UInt8](repeating: ScalarClass.separator.rawValue, count: 0x10000)
    var folds = [UInt32](repeating: 0, count: 0x10000)
    var multi: [UInt32: [UInt8]] = [:]
    for value in 0..<UInt32(0x10000) {
      guard let scalar = Unicode.Scalar(value) else { continue }  // surrogates
      let (scalarClass, fold) = Self.classify(scalar)
      classes[Int(value)] = scalarClass.rawValue
      if fold.count == 1 {
        folds[Int(value)] = fold[0].value
      } else {
        folds[Int(value)] = Self.multiScalarMarker
        multi[value] = Array(String(String.UnicodeScalarView(fold)).utf8)
      }
    }
    self.classes = classes
    self.folds = folds
    self.multiScalarFolds = multi
  }

  /// The class and case fold of any scalar, from the standard library's Unicode data.
  /// - Complexity: O(1), but far slower than a table lookup.
  static func classify(_ scalar: Unicode.Scalar) -> (ScalarClass, [Unicode.Scalar]) {
    switch scalar.value {
    case 0x27, 0x2018, 0x2019: return (.apostrophe, [scalar])
    default: break
    }
    let properties = scalar.properties
    let scalarClass: ScalarClass
    switch properties.generalCategory {
    case .uppercaseLetter, .titlecaseLetter: scalarClass = .upper
    case .lowercaseLetter: scalarClass = .lower
    case .modifierLetter, .otherLetter, .decimalNumber, .letterNumber, .otherNumber:
      scalarClass = .caseless
    case .nonspacingMark, .spacingMark, .enclosingMark: scalarClass = .mark
    default: scalarClass = properties.isAlphabetic ? .caseless : .separator
    }
    guard scalarClass != .separator, properties.changesWhenCaseMapped else {
      return (scalarClass, [scalar])
    }
    var fold: [Unicode.Scalar] = []
    for upper in properties.uppercaseMapping.unicodeScalars {
      fold.append(contentsOf: upper.properties.lowercaseMapping.unicodeScalars)
    }
    return (scalarClass, fold.isEmpty ? [scalar] : fold)
  }
}

extension TextNormalizer {
  /// Builds the Unicode table (`UnicodeClasses.shared`, 65,536 entries: milliseconds
  /// of work) on a background thread and returns at once. Tokenizing never needs this call: a tokenizer that
  /// meets a non-ASCII letter first builds the table itself, or waits for this build
  /// to finish (the table is a thread-safe lazy global, built once).
  package static func prepareUnicodeTable() {
    DispatchQueue.global(qos: .userInitiated).async { _ = UnicodeClasses.shared }
  }
}
