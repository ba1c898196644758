@testable import NearDupCore
import Testing

@Suite("TextNormalizer")
struct TextNormalizerTests {
  let normalizer = TextNormalizer()

  @Test("ASCII text is lowercased and split on everything but letters and digits")
  func ascii() {
    #expect(
      normalizer.tokens(of: "MOSCOW (AP) — Russia's top diplomat, 2024!") == [
        "moscow", "ap", "russia's", "top", "diplomat", "2024",
      ])
    #expect(
      normalizer.tokens(of: "well-known   e-mail\tand\nnew\r\nlines") == [
        "well", "known", "e", "mail", "and", "new", "lines",
      ])
  }

  @Test(
    "typographic punctuation folds to its ASCII form",
    arguments: zip(
      ["Korea’s “active work” – now — here", "Korea‘s deal", "‘quoted’ words"],
      ["Korea's \"active work\" - now - here", "Korea's deal", "'quoted' words"]))
  func typographicPunctuation(typographic: String, ascii: String) {
    #expect(normalizer.tokens(of: typographic) == normalizer.tokens(of: ascii))
  }

  @Test("an apostrophe stays only between two token characters")
  func apostrophes() {
    #expect(
      normalizer.tokens(of: "Korea’s 'quoted' rock'n'roll it''s") == ["korea's", "quoted", "rock'n'roll", "it", "s"])
  }

  @Test("words glued by scraping are split at a lowercase-uppercase boundary")
  func gluedWords() {
    #expect(normalizer.tokens(of: "on EthermacTuesday hosted") == ["on", "ethermac", "tuesday", "hosted"])
    #expect(normalizer.tokens(of: "Kim Jong Un saysNorth Korean") == ["kim", "jong", "un", "says", "north", "korean"])
    #expect(normalizer.tokens(of: "Ethermac-North Korea’s") == ["ethermac", "north", "korea's"])
    #expect(normalizer.tokens(of: "NASA USA") == ["nasa", "usa"])
    #expect(
      TextNormalizer(splitsGluedWords: false).tokens(of: "EthermacTuesday saysNorth") == [
        "ethermactuesday", "saysnorth",
      ])
  }

  @Test("Cyrillic and Greek are kept and case-folded")
  func cyrillicAndGreek() {
    #expect(normalizer.tokens(of: "МОСКВА, Россия: Лавров") == ["москва", "россия", "лавров"])
    #expect(normalizer.tokens(of: "Москва") == normalizer.tokens(of: "МОСКВА"))
    #expect(normalizer.tokens(of: "ΟΔΟΣ οδός") == ["οδοσ", "οδόσ"])
    #expect(normalizer.tokens(of: "новостиМосква") == ["новости", "москва"])
  }

  @Test("case folding maps ß to ss and final sigma to sigma")
  func caseFolding() {
    #expect(normalizer.tokens(of: "Straße STRASSE") == ["strasse", "strasse"])
    #expect(normalizer.tokens(of: "ΛΟΓΟΣ λόγος") == ["λογοσ", "λόγοσ"])
  }

  @Test("Japanese and Chinese text is kept as runs of characters")
  func cjk() {
    #expect(normalizer.tokens(of: "友人代表のスピーチ、独女はどうこなしている？") == ["友人代表のスピーチ", "独女はどうこなしている"])
    #expect(normalizer.tokens(of: "北京 2024年") == ["北京", "2024年"])
    #expect(normalizer.tokens(of: "ＡＢＣ") == ["ａｂｃ"])
  }

  @Test("Arabic and accented Latin letters with combining marks stay in their token")
  func marksAndArabic() {
    #expect(normalizer.tokens(of: "مرحبا بالعالم") == ["مرحبا", "بالعالم"])
    #expect(normalizer.tokens(of: "Cafe\u{301} Łódź") == ["cafe\u{301}", "łódź"])
  }

  @Test("emoji and symbols separate tokens and are dropped")
  func emoji() {
    #expect(normalizer.tokens(of: "fire🔥alarm 👍🏽 ok ★ €5") == ["fire", "alarm", "ok", "5"])
  }

  @Test("invalid UTF-8 becomes a separator and is counted")
  func invalidUTF8() {
    let bytes: [UInt8] =
      Array("abc".utf8) + [0xFF] + Array("def".utf8) + [0xC3] + Array(" x".utf8) + [0xED, 0xA0, 0x80]
      + Array("y".utf8) + [0xE2, 0x82]
    var buffer = TokenBuffer()
    bytes.withUnsafeBufferPointer { normalizer.tokenize($0, into: &buffer) }
    #expect(buffer.tokens == ["abc", "def", "x", "y"])
    #expect(buffer.invalidUTF8Count == 7)  // FF; C3; ED A0 80 (three bytes); E2 82 (two bytes)
  }

  @Test("empty and separator-only text has no tokens")
  func empty() {
    #expect(normalizer.tokens(of: "").isEmpty)
    #expect(normalizer.tokens(of: " \n\t—…!?").isEmpty)
  }

  @Test("a reused buffer gives the same tokens as a fresh one")
  func bufferReuse() {
    var buffer = TokenBuffer()
    for text in ["A much longer first document with many words", "Short one", "ÜBER straße"] {
      var copy = text
      copy.withUTF8 { normalizer.tokenize($0, into: &buffer) }
      #expect(buffer.tokens == normalizer.tokens(of: text))
    }
  }

  @Test(
    "the normalized text is the folded tokens joined by single spaces",
    arguments: [
      "plain lowercase words only", "Capitalized Words and MIXED case",
      "Korea’s Korea's don't rock'n'roll 'quoted' it''s",
      "on EthermacTuesday hosted, saysNorth", "МОСКВА Москва ΟΔΟΣ Straße STRASSE", "友人代表のスピーチ、独女", "fire🔥alarm 👍🏽 ok",
      "Cafe\u{301} Łódź ＡＢＣ", "", " — ", "Counterrevolutionaries internationalization Extraterritoriality x",
    ])
  func normalizedText(text: String) {
    for splits in [true, false] {
      let normalizer = TextNormalizer(splitsGluedWords: splits)
      var buffer = TokenBuffer()
      var copy = text
      copy.withUTF8 { normalizer.tokenize($0, into: &buffer) }
      let tokens = normalizer.tokens(of: text)
      #expect(normalizedText(buffer) == tokens.joined(separator: " "))
      #expect((0..<buffer.count).map { index in normalizedText(buffer, index) } == tokens)
    }
  }

  @Test("a title and a body tokenized in turn read as the two joined by a line break")
  func appending() {
    let records: [(title: [UInt8], body: [UInt8])] = [
      (Array("North Korea’s top diplomat".utf8), Array("MOSCOW (AP) — Choe Son Hui met Lavrov.".utf8)),
      (Array("Abc".utf8) + [0xFF], Array("déf".utf8) + [0xC3] + Array(" Ghi".utf8)),
      (Array("— !!".utf8), Array("only body".utf8)),
      (Array("only title".utf8), []),
    ]
    for record in records {
      var parts = TokenBuffer()
      record.title.withUnsafeBufferPointer { normalizer.tokenize($0, into: &parts) }
      record.body.withUnsafeBufferPointer { normalizer.tokenize($0, into: &parts, appending: true) }
      var whole = TokenBuffer()
      (record.title + [0x0A] + record.body).withUnsafeBufferPointer { normalizer.tokenize($0, into: &whole) }
      #expect(normalizedText(parts) == normalizedText(whole))
      #expect(parts.tokens == whole.tokens)
      #expect(parts.invalidUTF8Count == whole.invalidUTF8Count)
    }
  }

  /// The normalized text of `buffer`, or of its token `index`.
  private func normalizedText(_ buffer: TokenBuffer, _ index: Int? = nil) -> String {
    buffer.withTokens { text, _ in
      String(
        decoding: index.map { UnsafeBufferPointer(rebasing: text[buffer.range(ofToken: $0)]) } ?? text, as: UTF8.self)
    }
  }

  @Test("the SSE2 block classifier agrees with the SWAR words on every byte class")
  func blockClassifier() {
    // Bytes at every class boundary, and all 256 values.
    let edges: [UInt8] = [
      0x00, 0x20, 0x27, 0x2F, 0x30, 0x39, 0x3A, 0x40, 0x41, 0x5A, 0x5B, 0x60, 0x61, 0x7A, 0x7B, 0x7F, 0x80, 0xC3, 0xFF,
    ]
    var random = SplitMix64(seed: 64)
    for round in 0..<2_000 {
      let block = (0..<64).map { _ in
        round.isMultiple(of: 2)
          ? edges[Int(random.next() % UInt64(edges.count))] : UInt8(truncatingIfNeeded: random.next())
      }
      block.withUnsafeBytes { bytes in
        let simd = TextNormalizer.classifyBlock(bytes.baseAddress!, count: 64)
        let words = TextNormalizer.classifyWords(bytes.baseAddress!, count: 64)
        #expect(simd.token == words.token && simd.complex == words.complex, "block \(block)")
      }
    }
  }

  @Test("texts over many 64-byte blocks tokenize as the scalar state machine does")
  func blocksMatchStateMachine() {
    let fragments =
      [
        "the", "Korea", "KOREA", "EthermacTuesday", "saysNorth", "don't", "rock'n'roll", "'quoted'", "it''s", "Korea’s",
        "Straße", "МОСКВА", "東京", "🔥", "2024", "1999", "iPhone", "a1B2", "x", "(AP)", "Café", "ＡＢＣ", "@", "[", "`", "{",
        "~",
        "internationalization", "Counterrevolutionaries",
      ].map { Array($0.utf8) } + [[0xFF], [0xC3], [0x7F]]
    let separators = [" ", "  ", ", ", "—", "\n", "-", ""].map { Array($0.utf8) }
    var random = SplitMix64(seed: 7)
    for splits in [true, false] {
      let normalizer = TextNormalizer(splitsGluedWords: splits)
      for _ in 0..<300 {
        var text: [UInt8] = []
        for _ in 0..<Int(random.next() % 90) {
          text += fragments[Int(random.next() % UInt64(fragments.count))]
          text += separators[Int(random.next() % UInt64(separators.count))]
        }
        let expected = stateMachineTokens(text, splitsGluedWords: splits)
        var buffer = TokenBuffer()
        text.withUnsafeBufferPointer { normalizer.tokenize($0, into: &buffer) }
        #expect(buffer.tokens == expected, "text \(text)")
        #expect(normalizedText(buffer) == expected.joined(separator: " "))
      }
    }
  }

  @Test(
    "the AVX-512 path gives the scalar path's normalized text, token ends and invalid count",
    .enabled(if: TextNormalizer.plainChunksAvailable, "this processor or build has no AVX-512 VBMI2 kernel"))
  func plainChunksMatchScalarPath() {
    // Mostly plain words, so that most 64-byte chunks take the vector path, with the
    // cases that send a chunk to the scalar path: non-ASCII, apostrophes, glued words,
    // invalid UTF-8, and runs of 64 token bytes or more.
    let plain = [
      "the", "Korea", "KOREA", "2024", "a1B2", "x", "diplomat", "Moscow", "iPhone", "(AP)", "internationalization",
    ]
    let rare = [
      "EthermacTuesday", "don't", "'quoted'", "Korea’s", "Straße", "МОСКВА", "東京", "🔥",
      String(repeating: "long", count: 20),
      String(repeating: "7", count: 64), String(repeating: "ab", count: 40) + "’s",
    ]
    let fragments = (plain + rare).map { Array($0.utf8) } + [[0xFF], [0xC3]]
    let separators = [" ", "  ", ", ", ".\n", "\n\n", "-", "—", ""].map { Array($0.utf8) }
    var random = SplitMix64(seed: 11)
    for splits in [true, false] {
      let vector = TextNormalizer(splitsGluedWords: splits, foldsPlainChunks: true)
      let scalar = TextNormalizer(splitsGluedWords: splits, foldsPlainChunks: false)
      for round in 0..<800 {
        func text(fragmentCount: Int) -> [UInt8] {
          var text: [UInt8] = []
          for _ in 0..<fragmentCount {
            let rareOne = random.next() % 16 == 0
            let pick = Int(random.next() % UInt64(rareOne ? fragments.count : plain.count))
            text += fragments[pick]
            text += separators[Int(random.next() % UInt64(separators.count))]
          }
          if random.next() % 3 == 0 { text = Array(text.dropFirst(Int(random.next() % 4))) }
          return text
        }
        let title = text(fragmentCount: Int(random.next() % 12))
        let body = text(fragmentCount: Int(random.next() % 150))
        var fromVector = TokenBuffer()
        var fromScalar = TokenBuffer()
        // A reused buffer, with and without a title before the body.
        if round % 2 == 0 { title.withUnsafeBufferPointer { vector.tokenize($0, into: &fromVector) } }
        if round % 2 == 0 { title.withUnsafeBufferPointer { scalar.tokenize($0, into: &fromScalar) } }
        body.withUnsafeBufferPointer { vector.tokenize($0, into: &fromVector, appending: round % 2 == 0) }
        body.withUnsafeBufferPointer { scalar.tokenize($0, into: &fromScalar, appending: round % 2 == 0) }
        #expect(normalizedText(fromVector) == normalizedText(fromScalar), "title \(title) body \(body)")
        #expect(tokenEnds(fromVector) == tokenEnds(fromScalar), "title \(title) body \(body)")
        #expect(fromVector.invalidUTF8Count == fromScalar.invalidUTF8Count)
      }
    }
  }

  @Test(
    "the AVX-512 path gives the scalar path's normalized text on the shared news corpora",
    .enabled(if: TextNormalizer.plainChunksAvailable, "this processor or build has no AVX-512 VBMI2 kernel"),
    .enabled(if: Fixtures.sharedIsPresent, Fixtures.sharedIsMissing),
    arguments: ["reuters21578.jsonl", "bbc_news.jsonl", "livedoor_news_ja.jsonl", "tweet_trec_clusters.jsonl"])
  func plainChunksMatchScalarPathOnCorpora(corpus: String) throws {
    let vector = TextNormalizer(splitsGluedWords: true, foldsPlainChunks: true)
    let scalar = TextNormalizer(splitsGluedWords: true, foldsPlainChunks: false)
    var fromVector = TokenBuffer()
    var fromScalar = TokenBuffer()
    let records = try Fixtures.records(Fixtures.sharedCorpus(corpus)).prefix(400)
    #expect(records.count == 400)
    for record in records {
      var text = (record["title"] as? String ?? "") + "\n" + (record["text"] as! String)
      text.withUTF8 { vector.tokenize($0, into: &fromVector) }
      text.withUTF8 { scalar.tokenize($0, into: &fromScalar) }
      #expect(normalizedText(fromVector) == normalizedText(fromScalar), "record \(record["id"] ?? "")")
      #expect(tokenEnds(fromVector) == tokenEnds(fromScalar))
    }
  }

  /// The token end offsets of `buffer`.
  private func tokenEnds(_ buffer: TokenBuffer) -> [Int32] {
    buffer.withTokens { _, ends in Array(ends) }
  }

  /// The tokens of the scalar state machine run over the whole text: the reference
  /// that the two-pass scan must equal.
  private func stateMachineTokens(_ text: [UInt8], splitsGluedWords: Bool) -> [String] {
    guard !text.isEmpty else { return [] }
    var folded = [UInt8](repeating: 0, count: 4 * text.count + 32)
    var ends = [Int32](repeating: 0, count: text.count + 1)
    return text.withUnsafeBufferPointer { source in
      folded.withUnsafeMutableBufferPointer { folded in
        ends.withUnsafeMutableBufferPointer { ends in
          var machine = TokenStateMachine(
            output: FoldedTokenOutput(
              source: source, out: folded.baseAddress!, ends: ends.baseAddress!, byteCount: 0, tokenCount: 0),
            splitsGluedWords: splitsGluedWords)
          _ = TextNormalizer.scanScalars(source, 0..<source.count, into: &machine)
          machine.separator()
          var tokens: [String] = []
          var start = 0
          for index in 0..<machine.output.tokenCount {
            let end = Int(ends[index])
            tokens.append(String(decoding: folded[start..<end], as: UTF8.self))
            start = end + 1  // the space before the next token
          }
          return tokens
        }
      }
    }
  }
}
