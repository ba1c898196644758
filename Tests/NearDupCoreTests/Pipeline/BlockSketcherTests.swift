import Testing

@testable import NearDupCore

@Suite("BlockSketcher")
struct BlockSketcherTests {
  @Test("a block's stage times are laps of one clock: each positive, together within the time the block took")
  func stageTimes() throws {
    let options = CorpusOptions()
    let reader = CorpusReader(inputs: [try CorpusInput.resolve(Fixtures.corpus, options: options)], options: options)
    var block = LineBlock()
    #expect(try reader.readBlock(into: &block))
    let parameters = try SketchParameters()
    var sketcher = BlockSketcher(
      parameters: parameters, retention: .digests, options: options, minHasher: MinHasher(parameters),
      stopShingles: .empty,
      keepsPreviews: true)
    var result = SketchedBlock()
    let elapsed = ContinuousClock().measure { sketcher.sketch(block, into: &result) }
    #expect(result.lines.count == 186)
    let times = result.times
    #expect(times.parse > 0 && times.tokenize > 0 && times.fingerprint > 0 && times.sketch > 0)
    let lapped = times.parse + times.tokenize + times.fingerprint + times.sketch
    let measured =
      UInt64(elapsed.components.seconds) * 1_000_000_000 + UInt64(elapsed.components.attoseconds / 1_000_000_000)
    #expect(lapped <= measured, "laps \(lapped) ns, block \(measured) ns")
  }
}
