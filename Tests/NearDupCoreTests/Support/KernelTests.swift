import CVectorKernels
import NearDupCore
import Testing

/// The C kernels of `CVectorKernels` against naive Swift references: each kernel's
/// portable `…_scalar` path, which every build compiles, and the path this build
/// takes (the vector one on x86-64, the scalar one elsewhere or with
/// `-Xcc -DNEARDUP_SCALAR_KERNELS`), where this processor runs it.
@Suite("C kernels")
struct KernelTests {
  /// Whether this build's unsuffixed AVX-512 kernel runs here: always when it is the
  /// scalar path, else when the processor has the features.
  static func runs(_ vectorAvailable: Bool) -> Bool { !cvk_vector_paths_compiled() || vectorAvailable }

  /// Random bytes drawn mostly from `alphabet`, sometimes any byte.
  static func bytes(_ count: Int, from alphabet: [UInt8], _ random: inout SplitMix64) -> [UInt8] {
    (0..<count).map { _ in
      random.next() % 8 == 0
        ? UInt8(truncatingIfNeeded: random.next()) : alphabet[Int(random.next() % UInt64(alphabet.count))]
    }
  }

  @Test("the switch and the processor agree: no AVX-512 path is offered unless compiled")
  func availability() {
    if !cvk_vector_paths_compiled() {
      #expect(!cvk_plain_chunks_available() && !cvk_json_copy_available() && !cvk_min_hash_available())
    }
  }

  @Test("byte classes of 64-byte blocks, bit by bit")
  func classify64() {
    var random = SplitMix64(seed: 64)
    let alphabet = Array("aZz09'AM m,.-\u{7F}\u{0}@[`{/:".utf8) + [0x80, 0xC3, 0xFF]
    var golden = [UInt8](repeating: UInt8(ascii: " "), count: 64)
    golden.replaceSubrange(0..<8, with: Array("Ab9'z é".utf8))  // é is two bytes
    for round in 0..<500 {
      let block = round == 0 ? golden : Self.bytes(64, from: alphabet, &random)
      var expectedToken: UInt64 = 0
      var expectedComplex: UInt64 = 0
      for (index, byte) in block.enumerated() {
        let lower = (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
        let upper = (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
        let digit = (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
        let special = byte >= 0x80 || byte == UInt8(ascii: "'")
        if lower || upper || digit || special { expectedToken |= 1 << UInt64(index) }
        if upper || special { expectedComplex |= 1 << UInt64(index) }
      }
      if round == 0 {
        #expect(expectedToken == 0b1101_1111 && expectedComplex == 0b1100_1001)
      }
      for scalar in [true, false] {
        var token: UInt64 = 0
        var complex: UInt64 = 0
        block.withUnsafeBytes { bytes in
          if scalar {
            cvk_classify64_scalar(bytes.baseAddress, &token, &complex)
          } else {
            cvk_classify64(bytes.baseAddress, &token, &complex)
          }
        }
        #expect(token == expectedToken && complex == expectedComplex, "scalar: \(scalar), block \(block)")
      }
    }
  }

  @Test("the plain run of a JSON string: its length, and its copy")
  func jsonPlainRuns() {
    var random = SplitMix64(seed: 34)
    let plain = Array("abc XYZ 019 é/{}".utf8)
    let stops: [UInt8] = [UInt8(ascii: "\""), UInt8(ascii: "\\"), 0x00, 0x09, 0x1F]
    for round in 0..<3_000 {
      let count = Int(random.next() % 150)
      var bytes = (0..<count).map { _ in plain[Int(random.next() % UInt64(plain.count))] }
      // None, one or several stops, anywhere (often near a 8- or 16-byte boundary).
      for _ in 0..<Int(random.next() % 3) where count > 0 {
        let at = round % 2 == 0 ? Int(random.next() % UInt64(count)) : min(count - 1, Int(random.next() % 5) * 8 + 7)
        bytes[at] = stops[Int(random.next() % UInt64(stops.count))]
      }
      let expected = bytes.firstIndex { $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") || $0 < 0x20 } ?? count
      // An exact-size allocation, so that AddressSanitizer would catch a read past it.
      let input = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(count, 1))
      defer { input.deallocate() }
      _ = input.initialize(from: bytes)
      #expect(cvk_json_plain_length_scalar(input.baseAddress, count) == expected, "\(bytes)")
      #expect(cvk_json_plain_length(input.baseAddress, count) == expected, "\(bytes)")
      for scalar in [true, false] where scalar || Self.runs(cvk_json_copy_available()) {
        var out = [UInt8](repeating: 0xAA, count: count + 64)
        let copied = out.withUnsafeMutableBufferPointer { out in
          scalar
            ? cvk_json_copy_plain_scalar(input.baseAddress, count, out.baseAddress)
            : cvk_json_copy_plain(input.baseAddress, count, out.baseAddress)
        }
        #expect(copied == expected && Array(out[..<copied]) == Array(bytes[..<expected]), "scalar: \(scalar)")
      }
    }
  }

  @Test("|a ∩ b| of sorted 32-bit sets, every remainder of the block of four")
  func sortedIntersection() {
    var random = SplitMix64(seed: 4)
    #expect(cvk_sorted_intersection_count_u32_scalar([1, 2, 3, 5, 8, 13], 6, [2, 3, 4, 8, 16], 5) == 3)
    for trial in 0..<2_000 {
      let universe = UInt64([6, 40, 1_000, 1 << 32][trial % 4])
      func randomSet() -> [UInt32] {
        Set((0..<random.next() % 70).map { _ in UInt32(truncatingIfNeeded: random.next() % universe) }).sorted()
      }
      let a = randomSet()
      let b = randomSet()
      let expected = Set(a).intersection(b).count
      #expect(cvk_sorted_intersection_count_u32_scalar(a, a.count, b, b.count) == expected)
      #expect(cvk_sorted_intersection_count_u32(a, a.count, b, b.count) == expected)
      #expect(cvk_sorted_intersection_count_u32(b, b.count, a, a.count) == expected)
    }
  }

  @Test("k-permutation MinHash against the definition", arguments: [0, 1, 7, 8, 9, 31, 32, 33, 100])
  func minHash(k: Int) {
    var random = SplitMix64(seed: UInt64(k))
    let multipliers = (0..<k).map { _ in random.next() | 1 }
    let increments = (0..<k).map { _ in random.next() }
    for count in [0, 1, 3, 17, 300] {
      let fingerprints = (0..<count).map { index in index % 5 == 0 ? UInt64(index) : random.next() }
      let expected = (0..<k).map { slot in
        fingerprints.map { UInt32(truncatingIfNeeded: (multipliers[slot] &* $0 &+ increments[slot]) >> 32) }.min()
          ?? UInt32.max
      }
      for scalar in [true, false] where scalar || Self.runs(cvk_min_hash_available()) {
        var out = [UInt32](repeating: 0, count: k)
        out.withUnsafeMutableBufferPointer { out in
          if scalar {
            cvk_min_hash_permutations_scalar(fingerprints, count, multipliers, increments, k, out.baseAddress)
          } else {
            cvk_min_hash_permutations(fingerprints, count, multipliers, increments, k, out.baseAddress)
          }
        }
        #expect(out == expected, "scalar: \(scalar), k \(k), \(count) fingerprints")
      }
    }
  }

  /// The steps of a fold over a whole text: the state after each call, the chunk
  /// left to the caller skipped before the next.
  struct Fold: Equatable {
    var stops: [(position: Int, chunkEnd: Int)] = []
    var out: [UInt8] = []
    var ends: [Int32] = []

    static func == (a: Fold, b: Fold) -> Bool {
      a.stops.elementsEqual(b.stops) { $0 == $1 } && a.out == b.out && a.ends == b.ends
    }
  }

  /// `cvk_fold_plain_chunks`'s contract, written out naively: chunks of at most 64
  /// bytes through the last ASCII separator, plain ones folded, a run of 64 token
  /// bytes or more left up to the separator after it.
  static func referenceFold(_ text: [UInt8], splitsGluedWords: Bool, prefix: [UInt8]) -> Fold {
    func isToken(_ byte: UInt8) -> Bool {
      (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20)
        || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
    func isSeparator(_ byte: UInt8) -> Bool { byte < 0x80 && byte != UInt8(ascii: "'") && !isToken(byte) }
    func isLower(_ byte: UInt8) -> Bool { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) }
    func isUpper(_ byte: UInt8) -> Bool { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) }
    var fold = Fold(out: prefix)
    var position = 0
    while position < text.count {
      var chunkEnd = 0
      while position < text.count {
        let window = text[position..<min(position + 64, text.count)]
        var chunk = window.count
        if position + 64 < text.count {
          guard let last = window.lastIndex(where: isSeparator) else {
            let after = text[(position + 64)...].firstIndex(where: isSeparator)
            chunkEnd = after.map { $0 + 1 } ?? text.count
            break
          }
          chunk = last + 1 - position
        }
        let bytes = text[position..<(position + chunk)]
        let glued = splitsGluedWords && zip(bytes, bytes.dropFirst()).contains { isLower($0) && isUpper($1) }
        if glued || bytes.contains(where: { $0 >= 0x80 || $0 == UInt8(ascii: "'") }) {
          chunkEnd = position + chunk
          break
        }
        for token in bytes.split(whereSeparator: isSeparator) {
          fold.out += token.map { isUpper($0) ? $0 | 0x20 : $0 }
          fold.ends.append(Int32(fold.out.count))
          fold.out.append(UInt8(ascii: " "))
        }
        position += chunk
      }
      fold.stops.append((position, position < text.count ? chunkEnd : 0))
      if position < text.count { position = chunkEnd }
    }
    return fold
  }

  /// Runs `kernel` over `text` as `referenceFold` describes.
  static func kernelFold(
    _ text: [UInt8], splitsGluedWords: Bool, prefix: [UInt8],
    _ kernel: (
      UnsafePointer<UInt8>?, Int, Bool, UnsafeMutablePointer<UInt8>?, UnsafeMutablePointer<Int32>?,
      UnsafeMutablePointer<CVKFoldState>?
    ) -> Void
  ) -> Fold {
    var out = [UInt8](repeating: 0, count: prefix.count + 2 * text.count + 128)
    out.replaceSubrange(0..<prefix.count, with: prefix)
    var ends = [Int32](repeating: -1, count: text.count + 1)
    var fold = Fold()
    var state = CVKFoldState(position: 0, chunkEnd: 0, byteCount: prefix.count, tokenCount: 0)
    while state.position < text.count {
      out.withUnsafeMutableBufferPointer { out in
        ends.withUnsafeMutableBufferPointer { ends in
          kernel(text, text.count, splitsGluedWords, out.baseAddress, ends.baseAddress, &state)
        }
      }
      fold.stops.append((state.position, state.position < text.count ? state.chunkEnd : 0))
      if state.position < text.count { state.position = state.chunkEnd }
    }
    fold.out = Array(out[..<state.byteCount])
    fold.ends = Array(ends[..<state.tokenCount])
    return fold
  }

  @Test("plain chunks folded and joined, as the contract says")
  func foldPlainChunks() {
    let golden = Array("The KOREA-Herald, 2024:  x".utf8)
    let expected = Array("the korea herald 2024 x ".utf8)
    #expect(Self.kernelFold(golden, splitsGluedWords: true, prefix: [], cvk_fold_plain_chunks_scalar).out == expected)
    #expect(Self.referenceFold(golden, splitsGluedWords: true, prefix: []).out == expected)

    let plain = ["the", "Korea", "KOREA", "2024", "a1B2", "x", "diplomat", "Moscow", "(AP)", "internationalization"]
    let rare = [
      "EthermacTuesday", "don't", "Straße", "東京", String(repeating: "long", count: 20),
      String(repeating: "7", count: 64),
      String(repeating: "ab", count: 40) + "’s",
    ]
    let fragments = (plain + rare).map { Array($0.utf8) } + [[0xFF]]
    let separators = [" ", "  ", ", ", ".\n", "-", "—", ""].map { Array($0.utf8) }
    var random = SplitMix64(seed: 99)
    let vectorRuns = Self.runs(cvk_plain_chunks_available())
    for round in 0..<600 {
      var text: [UInt8] = []
      for _ in 0..<Int(random.next() % 60) {
        let pick = Int(random.next() % UInt64(random.next() % 8 == 0 ? fragments.count : plain.count))
        text += fragments[pick] + separators[Int(random.next() % UInt64(separators.count))]
      }
      let splits = round % 2 == 0
      let prefix: [UInt8] = round % 3 == 0 ? Array("title ".utf8) : []
      let reference = Self.referenceFold(text, splitsGluedWords: splits, prefix: prefix)
      let scalar = Self.kernelFold(text, splitsGluedWords: splits, prefix: prefix, cvk_fold_plain_chunks_scalar)
      #expect(scalar == reference, "text \(String(decoding: text, as: UTF8.self))")
      if vectorRuns {
        let vector = Self.kernelFold(text, splitsGluedWords: splits, prefix: prefix, cvk_fold_plain_chunks)
        #expect(vector == reference, "text \(String(decoding: text, as: UTF8.self))")
      }
    }
  }
}
