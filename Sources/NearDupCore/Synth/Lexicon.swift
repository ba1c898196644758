/// The fixed vocabulary of `SyntheticCorpus`: pseudo-words with Zipf frequencies,
/// proper nouns, English function words, cities, spam sites and report templates.
///
/// - Invariant: independent of any seed, so every synthetic corpus speaks the same
///   "language".
final class Lexicon: Sendable {
  static let shared = Lexicon()

  /// Pseudo-words, most frequent first.
  let words: [String]
  /// Pseudo-words used as names.
  let properNouns: [String]
  /// `rankTable[u >> 48]` is a word rank with probability ∝ 1 / (rank + 10).
  private let rankTable: [UInt16]

  private init() {
    var random = SplitMix64(seed: 0x1E41_C0FF)
    let onsets = [
      "b", "br", "c", "ch", "d", "dr", "f", "g", "gr", "h", "j", "k", "l", "m", "n", "p", "pr", "r", "s", "st",
      "t", "tr", "v", "w", "z", "sh", "th", "pl", "cl", "fl",
    ]
    let vowels = ["a", "e", "i", "o", "u", "ai", "ea", "ou", "io", "ee"]
    let codas = ["", "", "n", "r", "s", "t", "l", "m", "nd", "st", "ck", "ng"]
    var seen = Set<String>()
    var words: [String] = []
    while words.count < 24_000 {
      var word = ""
      for _ in 0..<(1 + Int(random.next() % 3)) {
        word += onsets[Int(random.next() % UInt64(onsets.count))] + vowels[Int(random.next() % UInt64(vowels.count))]
      }
      word += codas[Int(random.next() % UInt64(codas.count))]
      if seen.insert(word).inserted { words.append(word) }
    }
    self.words = Array(words[..<20_000])
    properNouns = Array(words[20_000...])
    // Zipf-like weights 1 / (rank + 10), tabulated for O(1) sampling.
    let weights = (0..<20_000).map { 1.0 / Double($0 + 10) }
    let total = weights.reduce(0, +)
    var table = [UInt16](repeating: 0, count: 1 << 16)
    var cumulative = 0.0
    var rank = 0
    for slot in 0..<(1 << 16) {
      let target = (Double(slot) + 0.5) / Double(1 << 16) * total
      while rank < weights.count - 1 && cumulative + weights[rank] < target {
        cumulative += weights[rank]
        rank += 1
      }
      table[slot] = UInt16(rank)
    }
    rankTable = table
  }

  /// A rank drawn from 64 random bits; the low bits spread ranks within a table slot.
  func sampleRank(_ bits: UInt64) -> Int {
    let base = Int(rankTable[Int(bits >> 48)])
    return min(words.count - 1, base + (base > 200 ? Int(bits & 0x3F) : 0))
  }

  func word(rank: Int) -> String { words[rank] }

  func capitalized(_ word: String) -> String { word.prefix(1).uppercased() + word.dropFirst() }

  static let functionWords = [
    "the", "of", "and", "to", "in", "a", "on", "for", "that", "with", "as", "by", "at", "from",
    "its", "was", "is", "said", "were", "has", "have", "had", "be", "after", "will", "would", "their", "this", "more",
    "than", "but", "not", "which", "an", "or", "about", "over", "into", "two", "new", "last", "year", "government",
    "officials", "people", "percent", "week", "on Tuesday", "on Monday", "city", "minister", "police",
  ]

  static let cities = [
    "MOSCOW", "LISBON", "NAIROBI", "SANTIAGO", "OSLO", "BERLIN", "PARIS", "MADRID", "ROME", "VIENNA",
    "WARSAW", "PRAGUE", "ATHENS", "CAIRO", "LAGOS", "TOKYO", "SEOUL", "MANILA", "JAKARTA", "SYDNEY", "AUCKLAND", "LIMA",
    "BOGOTA", "QUITO", "DUBLIN", "EDINBURGH", "HELSINKI", "TALLINN", "RIGA", "VILNIUS", "KYIV", "BUCHAREST", "SOFIA",
    "ZAGREB", "BELGRADE", "ANKARA", "DOHA", "MUMBAI", "DHAKA", "HANOI",
  ]

  static let spamSites = [
    "Ethermac", "Coinflux", "Zentrixa", "Stakewell", "Finexora", "Cryptorise", "Tradelumen",
    "Bitvortex", "Quantivo", "Yieldora", "Minthaven", "Ledgerly",
  ]

  static let categories = ["Stocks", "Finance", "Invest", "World", "Markets", "News", "Politics", "Business"]

  /// The fixed footer of a spam site's page template.
  static func footer(_ site: String) -> String {
    "Copyright © 2025 \(site). All rights reserved. The content on \(site) is for information only and is not "
      + "investment advice. About Us Contact Us Privacy Policy Terms of Use Cookie Settings Advertise With Us "
      + "Subscribe to the \(site) newsletter for the latest market news delivered to your inbox every morning"
  }

  /// A template of formulaic reports; `{N…}` are names, `{C}` cities, `{D}` days,
  /// `{X…}` figures.
  struct ReportTemplate: Sendable {
    var title: String
    var paragraphs: [String]
  }

  static let reportTemplates: [ReportTemplate] = [
    ReportTemplate(
      title: "{N1} reports quarterly profit of {X1} million",
      paragraphs: [
        "{N1} said on {D} that net income for the quarter rose to {X1} million, or {X2} cents a share, from {X3} million a year earlier, as revenue climbed {X4} percent to {X5} million.",
        "The company said it expects full-year revenue to be in line with the guidance it gave in the previous quarter, and that it will continue to invest in new products and markets.",
        "Chief executive {N2} said the results reflected strong demand across all regions and disciplined cost management. The company will hold a conference call with analysts later on {D}.",
        "Shares of {N1} closed at {X6} in regular trading. The company has about {X7} thousand employees and is based in {C}.",
      ]),
    ReportTemplate(
      title: "Stocks close {X1} percent higher in {C} as investors weigh rate outlook",
      paragraphs: [
        "The main share index in {C} closed {X1} percent higher on {D}, led by gains in banks and technology companies, while bond yields eased to {X2} percent.",
        "Investors are watching for signals on interest rates after the central bank held its benchmark rate steady at its last meeting and said it would remain guided by incoming data.",
        "Trading volume was {X3} percent below the average of the past month. Shares of {N1} rose {X4} percent after the company raised its forecast, while {N2} fell {X5} percent.",
        "The currency was little changed against the dollar. Oil prices rose to {X6} dollars a barrel.",
      ]),
    ReportTemplate(
      title: "Heavy rain and strong winds forecast for {C} on {D}",
      paragraphs: [
        "The national weather service issued a warning for {C} and the surrounding region on {D}, forecasting up to {X1} millimeters of rain and gusts of up to {X2} kilometers an hour.",
        "Residents were advised to avoid unnecessary travel, to secure loose objects outdoors and to follow the instructions of local authorities. Schools may close if conditions worsen.",
        "Forecaster {N1} said temperatures would fall to {X3} degrees overnight before the weather improves later in the week.",
        "The service said it would update the warning every six hours and publish the latest information on its website and social media channels.",
      ]),
    ReportTemplate(
      title: "{N1} beat {N2} {X1} in {C} to stay in the title race",
      paragraphs: [
        "{N1} beat {N2} on {D} in {C}, with a goal from {N3} in the {X1}th minute deciding a match that was played in front of {X2} thousand spectators.",
        "The win keeps {N1} within reach of the top of the table with {X3} matches left in the season, while {N2} remain in the lower half of the standings.",
        "Coach {N4} said after the match that his team had shown character and discipline and that every remaining game would be a final. The club's next match is away from home next weekend.",
        "The league said ticket sales for the season were up {X4} percent on last year.",
      ]),
  ]
}
