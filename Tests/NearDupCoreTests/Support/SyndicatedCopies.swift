import NearDupCore

/// Edits a text the way syndicated copies are edited, for query tests: a spam site
/// name glued to the first word, a few words replaced, sometimes a sentence dropped
/// and a short tail of unrelated headlines appended. Deterministic for a given
/// generator state.
enum SyndicatedCopies {
  static let spamSites = ["Coinflux", "Ethermac", "Zentrixa", "Stakewell", "Finexora"]
  static let tails = [
    "More: Markets Recommend Storm knocks out power along the coast",
    "Related Stories City council approves new tram line after long debate",
    "Other news Local bakery wins national bread award for its rye",
  ]

  static func edit(_ text: String, random: inout SplitMix64) -> String {
    var words = text.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
    guard !words.isEmpty else { return text }
    words[0] = spamSites[Int(random.next() % UInt64(spamSites.count))] + "-" + words[0]
    let replacements = words.count >= 40 ? 1 + Int(random.next() % 3) : 0
    for _ in 0..<replacements {
      let position = 1 + Int(random.next() % UInt64(words.count - 1))
      words[position] = ["reportedly", "also", "officially", "again"][Int(random.next() % 4)]
    }
    var edited = words.joined(separator: " ")
    if random.next() % 3 == 0, let period = edited.firstIndex(of: "."),
      edited.distance(from: edited.startIndex, to: period) < edited.count / 3
    {
      edited.removeSubrange(edited.startIndex...period)
    }
    if random.next() % 2 == 0 { edited += "\n\n" + tails[Int(random.next() % UInt64(tails.count))] }
    return edited
  }
}
