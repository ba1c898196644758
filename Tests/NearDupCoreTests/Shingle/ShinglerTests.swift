import NearDupCore
import Testing

@Suite("Shingler")
struct ShinglerTests {
  @Test("a word shingle's fingerprint is XXH3 of its normalized text")
  func wordFingerprintDefinition() {
    let expected = ["north korea's", "korea's top", "top diplomat"].map { XXH3.hash($0) }
    #expect(Shingler(kind: .word, size: 2).fingerprintSet(of: "North Korea’s  TOP—diplomat") == expected.sorted())
    #expect(Shingler(kind: .word, size: 5).fingerprintSet(of: "North Korea’s top") == [XXH3.hash("north korea's top")])
  }

  @Test("t tokens give t − n + 1 word shingles", arguments: [1, 2, 5, 9])
  func wordShingleCount(size: Int) {
    let text = (0..<20).map { "word\($0)" }.joined(separator: " ")
    #expect(Shingler(kind: .word, size: size).fingerprintSet(of: text).count == 20 - size + 1)
  }

  @Test("a document shorter than n gets one shingle of all its tokens; an empty one gets none")
  func shortAndEmptyDocuments() {
    let shingler = Shingler(kind: .word, size: 5)
    #expect(shingler.fingerprintSet(of: "only three words").count == 1)
    #expect(shingler.fingerprintSet(of: "only three words") != shingler.fingerprintSet(of: "only three"))
    #expect(shingler.fingerprintSet(of: "").isEmpty)
    #expect(shingler.fingerprintSet(of: "— !!").isEmpty)
  }

  @Test("shingles depend on word order but not on case, punctuation or glued words")
  func orderAndNormalization() {
    let shingler = Shingler(kind: .word, size: 3)
    #expect(shingler.fingerprintSet(of: "a b c d") != shingler.fingerprintSet(of: "d c b a"))
    #expect(
      shingler.fingerprintSet(of: "Russia’s top diplomat on EthermacTuesday")
        == shingler.fingerprintSet(of: "RUSSIA'S TOP DIPLOMAT ON ETHERMAC TUESDAY"))
  }

  @Test("repeated shingles count once")
  func duplicates() {
    let shingler = Shingler(kind: .word, size: 2)
    #expect(shingler.fingerprintSet(of: "a b a b a b").count == 2)
  }

  @Test("character shingles count characters, not bytes, and join tokens with one space")
  func characterShingles() {
    let shingler = Shingler(kind: .character, size: 3)
    // "友人代表" has 4 characters: 2 trigrams.
    #expect(shingler.fingerprintSet(of: "友人代表").count == 2)
    // "ab cd" (tokens joined by one space) has 5 characters: 3 trigrams.
    #expect(shingler.fingerprintSet(of: "ab, CD") == shingler.fingerprintSet(of: "ab   cd"))
    #expect(shingler.fingerprintSet(of: "ab cd").count == 3)
    #expect(shingler.fingerprintSet(of: "ab").count == 1)
    #expect(Shingler(kind: .character, size: 2).fingerprintSet(of: "aaaa").count == 1)
  }
}
