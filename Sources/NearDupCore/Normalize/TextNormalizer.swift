internal import CVectorKernels

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
/// `tokenize` writes the normalized text: the folded tokens joined by single spaces,
/// which the shingles are cut from. A lowercase or capitalized ASCII word of up to
/// 16 bytes — most words — is copied (and folded) as two 8-byte words; with AVX-512,
/// whole 64-byte chunks of plain ASCII are folded at once (see `tokenize`).
///
/// ```swift
/// TextNormalizer().tokens(of: "on EthermacTuesday hosted") // ["on", "ethermac", "tuesday", "hosted"]
/// ```
///
/// - Complexity: O(b) for b input bytes; allocation-free once the output buffers
///   have grown to the largest document.
package struct TextNormalizer: Sendable {
  /// Whether lowercase-to-uppercase transitions split a token.
  package var splitsGluedWords: Bool
  /// Whether plain ASCII chunks take the AVX-512 path (see `tokenize`).
  let foldsPlainChunks: Bool

  /// Whether this processor has the AVX-512 path; asked once per process.
  static let plainChunksAvailable = cvk_plain_chunks_available()

  /// Creates a normalizer.
  package init(splitsGluedWords: Bool = true) {
    self.init(splitsGluedWords: splitsGluedWords, foldsPlainChunks: Self.plainChunksAvailable)
  }

  /// Creates a normalizer that takes the AVX-512 path for plain chunks or not (tests
  /// compare the two).
  /// - Precondition: `!foldsPlainChunks || TextNormalizer.plainChunksAvailable`.
  init(splitsGluedWords: Bool, foldsPlainChunks: Bool) {
    precondition(!foldsPlainChunks || Self.plainChunksAvailable, "this processor lacks AVX-512 VBMI2")
    self.splitsGluedWords = splitsGluedWords
    self.foldsPlainChunks = foldsPlainChunks
  }

  /// Tokenizes `text` into `tokens`, replacing its contents, or after them with
  /// `appending` (a record's title, then its body: as if separated by a line break).
  ///
  /// With the AVX-512 path (`foldsPlainChunks`) the text is cut into chunks of at most
  /// 64 bytes that end just past an ASCII separator (which resets the state machine,
  /// so chunks tokenize independently). `cvk_fold_plain_chunks` folds and compacts a
  /// chunk of ASCII letters, digits and separators in a few vector instructions,
  /// writing each token followed by a space; any other chunk — non-ASCII bytes, an
  /// apostrophe, a glued word, a token of 64 bytes or more — takes `scan`. Without
  /// it, the whole text is one chunk for `scan`. The trailing space of the last token
  /// goes at the end.
  /// - Complexity: O(text.count).
  package func tokenize(_ text: UnsafeBufferPointer<UInt8>, into tokens: inout TokenBuffer, appending: Bool = false) {
    tokens.prepare(forInputByteCount: text.count, appending: appending)
    let (byteCount, tokenCount, invalid) = tokens.storage.withUnsafeMutableBufferPointer { out in
      tokens.endStorage.withUnsafeMutableBufferPointer { ends in
        let out = out.baseAddress!
        let ends = ends.baseAddress!
        var state = CVKFoldState(position: 0, chunkEnd: 0, byteCount: tokens.byteCount, tokenCount: tokens.count)
        // Every token is followed by a space while the text is tokenized.
        if state.tokenCount > 0 {  // after a title's tokens
          out[state.byteCount] = UInt8(ascii: " ")
          state.byteCount += 1
        }
        var invalid = 0
        while true {
          if foldsPlainChunks, let base = text.baseAddress {
            cvk_fold_plain_chunks(base, text.count, splitsGluedWords, out, ends, &state)
          } else {
            state.chunkEnd = text.count
          }
          guard state.position < text.count else { break }
          let chunk = UnsafeBufferPointer(rebasing: text[state.position..<state.chunkEnd])
          // `scan` writes a space before every token but the first instead.
          if state.tokenCount > 0 { state.byteCount -= 1 }
          var machine = TokenStateMachine(
            output: FoldedTokenOutput(
              source: chunk, out: out, ends: ends, byteCount: state.byteCount, tokenCount: state.tokenCount),
            splitsGluedWords: splitsGluedWords)
          invalid &+= Self.scan(chunk, into: &machine, spans: &tokens.spans)
          state.byteCount = machine.output.byteCount
          state.tokenCount = machine.output.tokenCount
          if state.tokenCount > 0 {
            out[state.byteCount] = UInt8(ascii: " ")
            state.byteCount += 1
          }
          state.position = state.chunkEnd
        }
        if state.tokenCount > 0 { state.byteCount -= 1 }
        return (state.byteCount, state.tokenCount, invalid)
      }
    }
    tokens.byteCount = byteCount
    tokens.count = tokenCount
    tokens.invalidUTF8Count &+= invalid
  }

  /// Tokenizes a string; a convenience for tests and small inputs.
  /// - Complexity: O(text.utf8.count).
  package func tokens(of text: String) -> [String] {
    var buffer = TokenBuffer()
    var copy = text
    copy.withUTF8 { tokenize($0, into: &buffer) }
    return buffer.tokens
  }

  /// Walks `text`, feeding `machine`; returns the number of invalid UTF-8 sequences.
  ///
  /// Two passes. The first classifies 64 bytes at a time without branches (SSE2 on
  /// x86-64, SWAR words elsewhere) into a bit per byte — token byte or not, and
  /// "complex": uppercase, apostrophe or non-ASCII — and records where runs of token
  /// bytes (spans) start and end. The second emits a span of lowercase ASCII letters
  /// and digits — most words — as one token directly, and runs the full scalar state
  /// machine over the others. ASCII separators end every token and reset the state
  /// machine, so the result equals that of the state machine over the whole text.
  @inline(__always)
  static func scan<Output: TokenOutput>(
    _ text: UnsafeBufferPointer<UInt8>, into machine: inout TokenStateMachine<Output>, spans: inout TokenizerScratch
  ) -> Int {
    let n = text.count
    guard n > 0, let base = text.baseAddress else { return 0 }
    let blockCount = (n + 63) / 64
    if spans.boundaries.count < n + 2 { spans.boundaries = [Int32](repeating: 0, count: n + 2) }
    if spans.complexBlocks.count < blockCount { spans.complexBlocks = [UInt64](repeating: 0, count: blockCount) }
    return spans.boundaries.withUnsafeMutableBufferPointer { boundaries in
      spans.complexBlocks.withUnsafeMutableBufferPointer { complexBlocks in
        // Pass 1: span boundaries (alternately starts and ends) and complex bits.
        var count = 0
        var carry: UInt64 = 0
        let raw = UnsafeRawPointer(base)
        for block in 0..<blockCount {
          let blockStart = block &* 64
          let (tokenMask, complexMask) = classifyBlock(raw + blockStart, count: min(64, n &- blockStart))
          complexBlocks[block] = complexMask
          var transitions = tokenMask ^ ((tokenMask &<< 1) | carry)
          carry = tokenMask &>> 63
          while transitions != 0 {
            boundaries[count] = Int32(truncatingIfNeeded: blockStart &+ transitions.trailingZeroBitCount)
            count &+= 1
            transitions &= transitions &- 1
          }
        }
        if carry == 1 {
          boundaries[count] = Int32(truncatingIfNeeded: n)
          count &+= 1
        }
        // Pass 2: tokens. The word paths write through a local copy of the output,
        // which stays in registers: the state machine, whose address the scalar
        // path takes, lives in memory and gets the copy back only around that path.
        var invalid = 0
        var span = 0
        var output = machine.output
        while span < count {
          let start = Int(boundaries[span])
          let end = Int(boundaries[span &+ 1])
          // Lowercase letters and digits, perhaps after one uppercase letter (which
          // is complex, so it is skipped in the test): a word no glued-word split
          // can cut. One test for both, whose outcome is rarely mispredicted.
          let capitalized = base[start] &- UInt8(ascii: "A") < 26
          if !containsComplexByte(complexBlocks, capitalized ? start &+ 1 : start, end) {
            output.asciiWord(start, end)
          } else {
            machine.output = output
            invalid &+= scanScalars(text, start..<end, into: &machine)
            machine.separator()
            output = machine.output
          }
          span &+= 2
        }
        machine.output = output
        return invalid
      }
    }
  }

  /// `classify` for the `count` ≤ 64 bytes at `bytes`, bit i for byte i; bits past
  /// `count` are clear. A whole block takes the C kernel `cvk_classify64` (four
  /// 16-byte SSE2 compares on x86-64); a partial one, eight SWAR words.
  @inline(__always)
  static func classifyBlock(_ bytes: UnsafeRawPointer, count: Int) -> (token: UInt64, complex: UInt64) {
    if count == 64 {
      var token: UInt64 = 0
      var complex: UInt64 = 0
      cvk_classify64(bytes, &token, &complex)
      return (token, complex)
    }
    return classifyWords(bytes, count: count)
  }

  /// `classify` eight bytes at a time over the `count` ≤ 64 bytes at `bytes`.
  @inline(__always)
  static func classifyWords(_ bytes: UnsafeRawPointer, count: Int) -> (token: UInt64, complex: UInt64) {
    var tokenMask: UInt64 = 0
    var complexMask: UInt64 = 0
    var offset = 0
    while offset < count {
      let value: UInt64
      if offset &+ 8 <= count {
        value = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
      } else {
        var partial: UInt64 = 0  // zero bytes are separators
        for index in 0..<(count &- offset) {
          partial |= UInt64(bytes.load(fromByteOffset: offset &+ index, as: UInt8.self)) &<< UInt64(8 &* index)
        }
        value = partial
      }
      let (token, complex) = classify(value)
      tokenMask |= token &<< UInt64(offset)
      complexMask |= complex &<< UInt64(offset)
      offset &+= 8
    }
    return (tokenMask, complexMask)
  }

  /// One bit per byte of `word` (bit i for byte i): a token byte (ASCII letter or
  /// digit, apostrophe, or any byte of a non-ASCII scalar), and a complex one
  /// (uppercase ASCII, apostrophe, non-ASCII). SWAR: each test leaves 0x80 in the
  /// bytes that pass; a multiply gathers the eight high bits.
  @inline(__always)
  static func classify(_ word: UInt64) -> (token: UInt64, complex: UInt64) {
    let high: UInt64 = 0x8080_8080_8080_8080
    let ones: UInt64 = 0x0101_0101_0101_0101
    // Setting bit 5 maps A–Z onto a–z and leaves digits alone; with the high bit
    // forced, subtracting a constant never borrows across bytes, so each test leaves
    // 0x80 exactly in the bytes that pass.
    let folded = word | (0x20 &* ones) | high
    let plain = word | high
    let letter = ((folded &- 0x61 &* ones) & ~(folded &- 0x7B &* ones)) & high
    let digit = ((plain &- 0x30 &* ones) & ~(plain &- 0x3A &* ones)) & high
    let upper = letter & ~(word &<< 2)  // bit 5 clear: an uppercase letter
    let apostropheDifference = word ^ (0x27 &* ones)
    let apostrophe = ~(((apostropheDifference & ~high) &+ ~high) | apostropheDifference) & high
    let special = (word & high) | apostrophe  // non-ASCII bytes and apostrophes
    let ascii = ~word & high
    @inline(__always) func gather(_ flags: UInt64) -> UInt64 { ((flags &>> 7) &* 0x0102_0408_1020_4080) &>> 56 }
    return (gather(((letter | digit) & ascii) | special), gather((upper & ascii) | special))
  }

  /// Whether any byte in `start..<end` is complex.
  @inline(__always)
  static func containsComplexByte(_ blocks: UnsafeMutableBufferPointer<UInt64>, _ start: Int, _ end: Int) -> Bool {
    guard start < end else { return false }
    let first = start &>> 6
    let last = (end &- 1) &>> 6
    if first == last {
      // The usual case: the span lies within one 64-byte block.
      let length = UInt64(end &- start)
      let window: UInt64 = length == 64 ? ~0 : (1 &<< length) &- 1
      return (blocks[first] &>> UInt64(start & 63)) & window != 0
    }
    var block = first
    while block <= last {
      var mask = blocks[block]
      if block == first { mask &= ~0 &<< UInt64(start & 63) }
      if block == last { mask &= ~0 &>> UInt64(63 &- ((end &- 1) & 63)) }
      if mask != 0 { return true }
      block &+= 1
    }
    return false
  }

  /// The scalar state machine over `range` of `text`; returns the invalid UTF-8
  /// sequences met. Does not end the last token (the caller does).
  @inline(__always)
  static func scanScalars<Output: TokenOutput>(
    _ text: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, into machine: inout TokenStateMachine<Output>
  ) -> Int {
    asciiClasses.withUnsafeBufferPointer { ascii in
      var invalid = 0
      var i = range.lowerBound
      let n = range.upperBound
      while i < n {
        let lead = text[i]
        if lead < 0x80 {
          let scalarClass = ascii[Int(lead)]
          if scalarClass == ScalarClass.lower.rawValue || scalarClass == ScalarClass.caseless.rawValue {
            // A run of lowercase ASCII letters and digits reads the same folded, so
            // it enters the token in one step.
            var j = i + 1
            while j < n {
              let next = text[j]
              guard next < 0x80 else { break }
              let nextClass = ascii[Int(next)]
              guard nextClass == ScalarClass.lower.rawValue || nextClass == ScalarClass.caseless.rawValue else { break }
              j += 1
            }
            machine.plainRun(
              i..<j, firstClass: scalarClass == ScalarClass.lower.rawValue ? .lower : .caseless,
              endsLower: ascii[Int(text[j - 1])] == ScalarClass.lower.rawValue)
            i = j
            continue
          }
          switch scalarClass {
          case ScalarClass.separator.rawValue: machine.separator()
          case ScalarClass.apostrophe.rawValue: machine.apostrophe(at: i, length: 1)
          default: machine.ascii(.upper, folded: lead | 0x20, at: i)
          }
          i += 1
          continue
        }
        let (value, length) = decodeScalar(text, at: i, end: n)
        guard length > 0 else {
          invalid += 1
          i += 1
          machine.separator()
          continue
        }
        machine.nonASCII(value, at: i, length: length)
        i += length
      }
      return invalid
    }
  }

  /// Decodes the multi-byte UTF-8 sequence at `i`. Returns length 0 when it is
  /// invalid (bad lead byte, truncated, overlong, surrogate or beyond U+10FFFF).
  @inline(__always)
  static func decodeScalar(_ text: UnsafeBufferPointer<UInt8>, at i: Int, end n: Int) -> (UInt32, Int) {
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
  static let asciiClasses: [UInt8] = (0..<128).map { (byte: Int) -> UInt8 in
    switch UInt8(byte) {
    case UInt8(ascii: "a")...UInt8(ascii: "z"): ScalarClass.lower.rawValue
    case UInt8(ascii: "A")...UInt8(ascii: "Z"): ScalarClass.upper.rawValue
    case UInt8(ascii: "0")...UInt8(ascii: "9"): ScalarClass.caseless.rawValue
    case UInt8(ascii: "'"): ScalarClass.apostrophe.rawValue
    default: ScalarClass.separator.rawValue
    }
  }
}

/// Reusable storage of the tokenizer's first pass: span boundaries and the
/// complex-byte bits of every 64-byte block.
struct TokenizerScratch: Sendable {
  var boundaries: [Int32] = []
  var complexBlocks: [UInt64] = []
}

/// Where the tokenizer's tokens go.
///
/// The state machine calls `begin` at a token's first scalar, then one `append…`
/// per scalar (apostrophes only when a token character follows them), then `finish`
/// with the source offset just past the token's last scalar.
protocol TokenOutput {
  mutating func begin(at position: Int)
  /// An ASCII token character whose folded form is `folded`.
  mutating func appendASCII(_ folded: UInt8, at position: Int)
  /// A run of token characters that folding leaves unchanged (lowercase ASCII
  /// letters and digits).
  mutating func appendPlainRun(_ range: Range<Int>)
  /// A whole token outside any other token, of lowercase ASCII letters and digits
  /// after at most one uppercase letter: `begin`, the folded characters and
  /// `finish` in one step, the tokenizer's fast path. Its folded form sets bit 5
  /// (0x20) of every byte ("Korea" → "korea"), which leaves lowercase letters and
  /// digits as they are.
  mutating func asciiWord(_ start: Int, _ end: Int)
  /// An apostrophe inside a token; `ascii` when the source has ' itself.
  mutating func appendApostrophe(ascii: Bool, at position: Int)
  /// A non-ASCII token character folded to `fold`'s UTF-8.
  mutating func appendFold(_ fold: Fold, at position: Int)
  mutating func finish(at end: Int)
}

/// The case fold of one non-ASCII scalar.
enum Fold {
  /// One scalar.
  case scalar(UInt32)
  /// Several scalars, as UTF-8 ("ß" → "ss").
  case bytes([UInt8])
}

/// The tokenizer's state machine: token boundaries, apostrophes, glued words.
///
/// - Invariant: `inToken` is true exactly when `begin` was called without a matching
///   `finish`; `pendingApostrophe` only while `inToken`.
struct TokenStateMachine<Output: TokenOutput> {
  var output: Output
  let splitsGluedWords: Bool
  var inToken = false
  var previousWasLower = false
  var pendingApostrophe = false
  var pendingApostropheIsASCII = false
  var pendingApostrophePosition = 0
  /// The source offset just past the last scalar appended to the current token.
  var end = 0

  init(output: Output, splitsGluedWords: Bool) {
    self.output = output
    self.splitsGluedWords = splitsGluedWords
  }

  /// A separator: finishes the current token, dropping a trailing apostrophe.
  @inline(__always)
  mutating func separator() {
    if inToken { finish() }
  }

  @inline(__always)
  mutating func finish() {
    output.finish(at: end)
    inToken = false
    pendingApostrophe = false
    previousWasLower = false
  }

  /// An apostrophe: kept only if a token character follows it directly.
  @inline(__always)
  mutating func apostrophe(at position: Int, length: Int) {
    if inToken && !pendingApostrophe {
      pendingApostrophe = true
      pendingApostropheIsASCII = length == 1
      pendingApostrophePosition = position
    } else {
      separator()
    }
  }

  /// Starts or continues a token with a scalar of class `scalarClass` at `position`.
  @inline(__always)
  mutating func enter(_ scalarClass: ScalarClass, at position: Int) {
    if inToken {
      if pendingApostrophe {
        output.appendApostrophe(ascii: pendingApostropheIsASCII, at: pendingApostrophePosition)
        pendingApostrophe = false
      } else if splitsGluedWords && previousWasLower && scalarClass == .upper {
        finish()
        inToken = true
        output.begin(at: position)
      }
    } else {
      inToken = true
      output.begin(at: position)
    }
    if scalarClass != .mark { previousWasLower = scalarClass == .lower }
  }

  /// A run of lowercase ASCII letters and digits, entered as one step.
  @inline(__always)
  mutating func plainRun(_ range: Range<Int>, firstClass: ScalarClass, endsLower: Bool) {
    enter(firstClass, at: range.lowerBound)
    output.appendPlainRun(range)
    end = range.upperBound
    previousWasLower = endsLower
  }

  @inline(__always)
  mutating func ascii(_ scalarClass: ScalarClass, folded: UInt8, at position: Int) {
    enter(scalarClass, at: position)
    output.appendASCII(folded, at: position)
    end = position + 1
  }

  /// Classifies and appends a scalar above U+007F.
  mutating func nonASCII(_ value: UInt32, at position: Int, length: Int) {
    let scalarClass: ScalarClass
    let fold: Fold
    if value < 0x10000 {
      let table = UnicodeClasses.shared
      scalarClass = ScalarClass(rawValue: table.classes[Int(value)])!
      guard scalarClass != .separator else { return separator() }
      guard scalarClass != .apostrophe else { return apostrophe(at: position, length: length) }
      let folded = table.folds[Int(value)]
      fold = folded == UnicodeClasses.multiScalarMarker ? .bytes(table.multiScalarFolds[value]!) : .scalar(folded)
    } else if (0x1F000...0x1FAFF).contains(value) {
      return separator()  // emoji and pictographs: by far the most common scalars above the BMP
    } else {
      let (slowClass, scalars) = UnicodeClasses.classify(Unicode.Scalar(value)!)
      scalarClass = slowClass
      guard scalarClass != .separator else { return separator() }
      guard scalarClass != .apostrophe else { return apostrophe(at: position, length: length) }
      var bytes: [UInt8] = []
      for scalar in scalars { encodeUTF8(scalar.value) { bytes.append($0) } }
      fold = .bytes(bytes)
    }
    enter(scalarClass, at: position)
    output.appendFold(fold, at: position)
    end = position + length
  }
}

/// Writes the normalized text of a `TokenBuffer`: folded tokens joined by single
/// spaces, with their end offsets. A whole ASCII word of up to 16 bytes
/// (`asciiWord`) is copied and folded as two 8-byte words when the source has 16
/// bytes from its start; the bytes written past its end are overwritten by what
/// follows or lie in the buffer's slack.
struct FoldedTokenOutput: TokenOutput {
  let source: UnsafePointer<UInt8>
  let sourceCount: Int
  let out: UnsafeMutablePointer<UInt8>
  let ends: UnsafeMutablePointer<Int32>
  var byteCount: Int
  var tokenCount: Int

  init(
    source: UnsafeBufferPointer<UInt8>, out: UnsafeMutablePointer<UInt8>, ends: UnsafeMutablePointer<Int32>,
    byteCount: Int, tokenCount: Int
  ) {
    self.source = source.baseAddress ?? UnsafePointer(out)
    sourceCount = source.count
    self.out = out
    self.ends = ends
    self.byteCount = byteCount
    self.tokenCount = tokenCount
  }

  /// Writes the space before every token but the first.
  @inline(__always) mutating func begin(at position: Int) {
    if tokenCount > 0 { write(UInt8(ascii: " ")) }
  }

  @inline(__always) mutating func write(_ byte: UInt8) {
    out[byteCount] = byte
    byteCount &+= 1
  }

  @inline(__always) mutating func appendASCII(_ folded: UInt8, at position: Int) { write(folded) }
  @inline(__always) mutating func appendApostrophe(ascii: Bool, at position: Int) { write(UInt8(ascii: "'")) }

  @inline(__always) mutating func appendPlainRun(_ range: Range<Int>) {
    for offset in range { write(source[offset]) }
  }

  @inline(__always) mutating func asciiWord(_ start: Int, _ end: Int) {
    let caseBits: UInt64 = 0x2020_2020_2020_2020
    begin(at: start)
    let length = end &- start
    if length <= 16 && start &+ 16 <= sourceCount {
      let from = UnsafeRawPointer(source + start)
      let to = UnsafeMutableRawPointer(out + byteCount)
      to.storeBytes(of: from.loadUnaligned(as: UInt64.self) | caseBits, as: UInt64.self)
      to.storeBytes(
        of: from.loadUnaligned(fromByteOffset: 8, as: UInt64.self) | caseBits, toByteOffset: 8, as: UInt64.self)
      byteCount &+= length
    } else {
      let fold = UInt8(truncatingIfNeeded: caseBits)
      for offset in start..<end { write(source[offset] | fold) }
    }
    finish(at: end)
  }

  mutating func appendFold(_ fold: Fold, at position: Int) {
    switch fold {
    case .scalar(let value): encodeUTF8(value) { write($0) }
    case .bytes(let bytes): for byte in bytes { write(byte) }
    }
  }

  @inline(__always) mutating func finish(at end: Int) {
    ends[tokenCount] = Int32(truncatingIfNeeded: byteCount)
    tokenCount &+= 1
  }
}
