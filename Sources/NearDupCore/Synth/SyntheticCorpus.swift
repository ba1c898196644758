/// A deterministic generator of synthetic wire-story corpora of any size, with the
/// true story of every document, for benchmarks and accuracy measurements.
///
/// The model, per *story group* (each drawn from `SplitMix64(seed ^ group)`):
/// - 55 %: a **wire story** — an original of 4–8 paragraphs — and 0–7 syndicated
///   copies (geometric, mean ≈ 2). Each copy applies 1–4 of the edits of scraped
///   pages: a spam site's name glued to the headline's first word (with or without a
///   hyphen) or into the body ("on CoinfluxTuesday"); a metadata line
///   ("2025-05-08 10:13:17source:Name Namecategory:Stocks"); the site's own template
///   (a "More / Recommend" block of 3–10 unrelated headlines with teasers cut
///   mid-word, some glued together, and the site's fixed footer); a paragraph
///   dropped or two swapped; 2–6 words replaced; another dateline.
/// - 15 %: a **look-alike report** — a formulaic market, earnings, weather or
///   results report built from shared templates with its own names and figures: a
///   different story that shares whole stretches of wording with its kind.
/// - 30 %: an unrelated **singleton**.
///
/// Words come from a fixed lexicon of 24,000 pseudo-words with Zipf-distributed
/// frequencies plus common English function words, so unrelated stories share
/// almost no 5-grams, as real news does. Documents of consecutive groups are shuffled
/// within windows of 512, so copies of a story lie close but not adjacent.
///
/// - Invariant: the output depends only on the seed and the document count; memory
///   is constant (one window of documents).
/// - Complexity: O(output bytes).
package struct SyntheticCorpus: Sendable {
  /// The seed of everything random.
  package let seed: UInt64

  /// Creates a generator.
  package init(seed: UInt64 = 1) {
    self.seed = seed
  }

  /// One generated record.
  package struct Document: Sendable, Equatable {
    package var id: String
    package var title: String
    package var text: String
    package var story: String
    package var source: String
    /// Which of the model's kinds made it: "original", "copy", "lookalike", "singleton".
    package var kind: String
  }

  /// Calls `body` with documents 0..<count in order; the sequence is the same for a
  /// given seed whatever `count` is (a prefix of a larger corpus).
  /// - Complexity: O(count) documents, constant memory.
  package func generate(count: Int, _ body: (Document) throws -> Void) rethrows {
    var window: [Document] = []
    var group = 0
    var emitted = 0
    while emitted < count {
      window.removeAll(keepingCapacity: true)
      while window.count < Self.windowSize {
        window += makeGroup(group)
        group += 1
      }
      var random = SplitMix64(seed: seed ^ 0x5EED_0F5A ^ UInt64(group) &* 0x9E37_79B9_7F4A_7C15)
      window.shuffle(using: &random)
      for document in window where emitted < count {
        var numbered = document
        numbered.id = "synth-" + Self.padded(emitted + 1, 8)
        try body(numbered)
        emitted += 1
      }
    }
  }

  /// Writes `count` documents as JSON Lines: `id`, `title`, `text`, `story`, `source`,
  /// `kind`.
  package func write(count: Int, to file: OutputFile, progress: ((Int) -> Void)? = nil) throws {
    var line: [UInt8] = []
    var written = 0
    try generate(count: count) { document in
      line.removeAll(keepingCapacity: true)
      let fields = [
        ("id", document.id), ("title", document.title), ("text", document.text), ("story", document.story),
        ("source", document.source), ("kind", document.kind),
      ]
      for (position, (key, value)) in fields.enumerated() {
        line += (position == 0 ? "{\"" : ", \"").utf8
        line += key.utf8
        line += "\": ".utf8
        appendJSONString(value, to: &line)
      }
      line += "}\n".utf8
      try file.write(line)
      written += 1
      if written % 10_000 == 0 { progress?(written) }
    }
  }

  static let windowSize = 512

  static func padded(_ value: Int, _ width: Int) -> String {
    let digits = String(value)
    return String(repeating: "0", count: max(0, width - digits.count)) + digits
  }

  // MARK: Groups

  private func makeGroup(_ group: Int) -> [Document] {
    var random = SplitMix64(seed: seed &+ UInt64(group) &* 0xD1B5_4A32_D192_ED03)
    let story = "story-" + Self.padded(group + 1, 7)
    let roll = random.next() % 100
    var writer = TextWriter(random: random)
    if roll < 55 {
      let original = writer.wireStory()
      var documents = [
        Document(
          id: "", title: original.title, text: original.paragraphs.joined(separator: "\n\n"), story: story,
          source: "NearWire", kind: "original")
      ]
      var copies = 0
      while copies < 7 && writer.random.next() % 100 < 62 { copies += 1 }
      for _ in 0..<copies {
        let (copy, site) = writer.syndicatedCopy(of: original)
        documents.append(
          Document(
            id: "", title: copy.title, text: copy.paragraphs.joined(separator: "\n\n"), story: story, source: site,
            kind: "copy"))
      }
      return documents
    } else if roll < 70 {
      let report = writer.lookalikeReport()
      return [
        Document(
          id: "", title: report.title, text: report.paragraphs.joined(separator: "\n\n"), story: story,
          source: "NearWire", kind: "lookalike")
      ]
    } else {
      let single = writer.wireStory(paragraphs: 2 + Int(writer.random.next() % 4))
      return [
        Document(
          id: "", title: single.title, text: single.paragraphs.joined(separator: "\n\n"), story: story,
          source: "NearWire", kind: "singleton")
      ]
    }
  }
}

/// An article as headline and paragraphs.
struct Article {
  var title: String
  var paragraphs: [String]
  var dateline: String
}

/// Writes pseudo-English news text from the shared lexicon.
struct TextWriter {
  var random: SplitMix64
  let lexicon = Lexicon.shared

  init(random: SplitMix64) {
    self.random = random
  }

  mutating func pick<T>(_ items: [T]) -> T { items[Int(random.next() % UInt64(items.count))] }
  mutating func chance(_ percent: UInt64) -> Bool { random.next() % 100 < percent }
  mutating func number(_ range: ClosedRange<Int>) -> Int {
    range.lowerBound + Int(random.next() % UInt64(range.count))
  }

  mutating func word() -> String {
    if chance(38) { return pick(Lexicon.functionWords) }
    return lexicon.word(rank: lexicon.sampleRank(random.next()))
  }

  mutating func name() -> String { lexicon.capitalized(pick(lexicon.properNouns)) }

  mutating func sentence() -> String {
    var words: [String] = []
    let length = number(10...24)
    for index in 0..<length {
      if chance(6) {
        words.append(name())
      } else if chance(3) {
        words.append(String(number(2...980)))
      } else {
        words.append(word())
      }
      if index == length / 2 && chance(30) { words[words.count - 1] += "," }
    }
    if chance(25) { words.insert(contentsOf: [name(), name(), pick(["said", "told reporters", "added"])], at: 0) }
    words[0] = lexicon.capitalized(words[0])
    return words.joined(separator: " ") + "."
  }

  mutating func paragraph() -> String {
    (0..<number(2...4)).map { _ in sentence() }.joined(separator: " ")
  }

  mutating func headline() -> String {
    var words = (0..<number(6...11)).map { _ in chance(25) ? name() : word() }
    words[0] = lexicon.capitalized(words[0])
    return words.joined(separator: " ")
  }

  mutating func dateline() -> String {
    pick(Lexicon.cities) + " (" + pick(["NearWire", "AP", "Reuters", "AFP", "Continental Press"]) + ") — "
  }

  mutating func wireStory(paragraphs count: Int? = nil) -> Article {
    let line = dateline()
    var paragraphs = (0..<(count ?? number(4...8))).map { _ in paragraph() }
    paragraphs[0] = line + paragraphs[0]
    return Article(title: headline(), paragraphs: paragraphs, dateline: line)
  }

  /// A copy of `original` with 1–4 edits of scraped pages; returns it and its site.
  mutating func syndicatedCopy(of original: Article) -> (Article, String) {
    var copy = original
    let site = pick(Lexicon.spamSites)
    var edits = Set<Int>()
    let editCount = number(1...4)
    while edits.count < editCount { edits.insert(number(0...5)) }
    for edit in edits.sorted() {
      switch edit {
      case 0:  // spam name glued to the headline and maybe into the body
        copy.title = site + (chance(50) ? "-" : "") + copy.title
        if chance(50) {
          let position = number(0...(copy.paragraphs.count - 1))
          var words = copy.paragraphs[position].split(separator: " ").map(String.init)
          let target = number(1...(words.count - 1))
          words[target] = site + lexicon.capitalized(words[target])
          copy.paragraphs[position] = words.joined(separator: " ")
        }
      case 1:  // metadata line
        let stamp =
          "2025-\(TextWriter.two(number(1...12)))-\(TextWriter.two(number(1...28))) \(TextWriter.two(number(0...23))):\(TextWriter.two(number(0...59))):\(TextWriter.two(number(0...59)))"
        copy.paragraphs.insert(
          stamp + "source:" + name() + " " + name() + " " + name() + "category:" + pick(Lexicon.categories), at: 0)
      case 2:  // the site's template: recommendations and footer
        copy.paragraphs += siteTemplate(site)
      case 3:  // structure
        if copy.paragraphs.count > 3 {
          if chance(50) {
            copy.paragraphs.remove(at: number(1...(copy.paragraphs.count - 1)))
          } else {
            let position = number(1...(copy.paragraphs.count - 2))
            copy.paragraphs.swapAt(position, position + 1)
          }
        }
      case 4:  // word edits
        for _ in 0..<number(2...6) {
          let position = number(0...(copy.paragraphs.count - 1))
          var words = copy.paragraphs[position].split(separator: " ").map(String.init)
          words[number(0...(words.count - 1))] = word()
          copy.paragraphs[position] = words.joined(separator: " ")
        }
      default:  // another dateline
        if let first = copy.paragraphs.firstIndex(where: { $0.hasPrefix(original.dateline) }) {
          copy.paragraphs[first] = dateline() + copy.paragraphs[first].dropFirst(original.dateline.count)
        }
      }
    }
    return (copy, site)
  }

  /// A spam site's block of recommended headlines and its fixed footer.
  mutating func siteTemplate(_ site: String) -> [String] {
    var block = ["More:" + pick(Lexicon.categories), "Recommend"]
    var glued = ""
    for _ in 0..<number(3...10) {
      let title = headline()
      if chance(30) {
        glued += title
      } else {
        block.append(title)
        let teaser = paragraph()
        block.append(String(teaser.prefix(number(60...100))))
      }
    }
    if !glued.isEmpty { block.append("Other news " + glued) }
    block.append(Lexicon.footer(site))
    return block
  }

  /// A formulaic report: a shared template filled with its own names and figures.
  mutating func lookalikeReport() -> Article {
    let kind = number(0...(Lexicon.reportTemplates.count - 1))
    let template = Lexicon.reportTemplates[kind]
    var fill: [String: String] = [:]
    func value(_ key: String) -> String {
      if let existing = fill[key] { return existing }
      let made: String
      switch key.first {
      case "N": made = name() + " " + name()
      case "C": made = pick(Lexicon.cities)
      case "D": made = pick(["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"])
      default: made = String(number(2...99)) + "." + String(number(0...9))
      }
      fill[key] = made
      return made
    }
    func render(_ text: String) -> String {
      var out = ""
      var rest = Substring(text)
      while let open = rest.firstIndex(of: "{") {
        out += rest[..<open]
        let close = rest[open...].firstIndex(of: "}")!
        out += value(String(rest[rest.index(after: open)..<close]))
        rest = rest[rest.index(after: close)...]
      }
      return out + rest
    }
    var paragraphs = template.paragraphs.map(render)
    paragraphs.insert(paragraph(), at: 1)  // a paragraph of its own
    let line = dateline()
    paragraphs[0] = line + paragraphs[0]
    return Article(title: render(template.title), paragraphs: paragraphs, dateline: line)
  }

  static func two(_ value: Int) -> String { value < 10 ? "0\(value)" : String(value) }
}
