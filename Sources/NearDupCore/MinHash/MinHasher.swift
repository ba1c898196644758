internal import CVectorKernels

/// Computes MinHash signatures of k 32-bit slots from a document's fingerprints, by
/// one of two schemes (`SketchScheme`):
///
/// - `.minhash`, k permutations (Broder, *On the resemblance and containment of
///   documents*, 1997): slot i is the minimum over the fingerprints f of the
///   multiply-shift hash (a_i · f + b_i) >> 32 (Dietzfelbinger et al. 1997).
/// - `.oph`, one permutation hashing (Li, Owen & Zhang, NIPS 2012) with optimal
///   densification (Shrivastava, ICML 2017): h = a · f + b is computed once per
///   fingerprint; its high 32 bits pick one of k bins and its low 32 bits are the
///   value; a bin's slot is its smallest value. An empty bin i takes the slot of the
///   first non-empty bin in the probe sequence p(i, 1), p(i, 2), …, a hash of (seed,
///   i, attempt) — the same for every document, which keeps the collision
///   probability of a slot equal to the Jaccard similarity.
///
/// In both, a_i (odd) and b_i come from `SplitMix64(seed)`, and the probability that
/// two documents agree in a slot is their Jaccard similarity.
///
/// ```swift
/// let hasher = MinHasher(.default)
/// let a = hasher.signature(of: shingler.fingerprintSet(of: "…"))
/// ```
///
/// - Invariant: `multipliers.count == increments.count == parameters.permutationCount`,
///   and every multiplier is odd; with `.oph`, `probeTable` holds the first
///   `probeTableDepth` probes of every bin (k ≤ 4,096 bins fit its 16-bit entries).
///   The same seed gives the same signatures on every machine and thread count.
package struct MinHasher: Sendable {
  /// The parameters the permutations come from.
  package let parameters: SketchParameters
  /// a_i, odd. With `.oph`, a_0 is the one hash's multiplier.
  @usableFromInline let multipliers: [UInt64]
  /// b_i. With `.oph`, b_0 is the one hash's increment.
  @usableFromInline let increments: [UInt64]
  /// The seed of the densification probe sequences.
  @usableFromInline let probeSeed: UInt64
  /// With `.oph`, the first `probeTableDepth` probes of every bin, bin-major:
  /// entry `bin · probeTableDepth + attempt − 1` is p(bin, attempt). Densifying reads
  /// them instead of hashing; later attempts (rare) are hashed.
  @usableFromInline let probeTable: [UInt16]
  /// Probes per bin in `probeTable`: a document with e of its bins empty goes past
  /// them with probability e^32 per empty bin.
  static let probeTableDepth = 32

  /// Draws the k permutations for `parameters`.
  /// - Complexity: O(k).
  package init(_ parameters: SketchParameters) {
    self.parameters = parameters
    var random = SplitMix64(seed: parameters.seed)
    var multipliers: [UInt64] = []
    var increments: [UInt64] = []
    for _ in 0..<parameters.permutationCount {
      multipliers.append(random.next() | 1)
      increments.append(random.next())
    }
    self.multipliers = multipliers
    self.increments = increments
    let probeSeed = random.next()
    self.probeSeed = probeSeed
    let k = parameters.permutationCount
    let depth = Self.probeTableDepth
    probeTable =
      parameters.scheme == .oph
      ? (0..<k * depth).map { entry in
        let bin = entry / depth
        let attempt = UInt64(entry % depth + 1)
        return UInt16(Self.probe(bin: bin, attempt: attempt, seed: probeSeed, binCount: k))
      } : []
  }

  /// p(bin, attempt): the bin that an empty `bin` looks at on its `attempt`-th try.
  @inline(__always)
  static func probe(bin: Int, attempt: UInt64, seed: UInt64, binCount: Int) -> Int {
    let probe = mix(seed ^ (UInt64(bin) &<< 32) ^ attempt)
    return Int(((probe &>> 32) &* UInt64(binCount)) &>> 32)
  }

  /// k, the number of slots in a signature.
  @inlinable package var permutationCount: Int { multipliers.count }

  /// Writes the signature of a document with `fingerprints` into `out`;
  /// allocation-free. Duplicate fingerprints do not change the result. With no
  /// fingerprints every slot is `UInt32.max`.
  ///
  /// - Precondition: `out.count == permutationCount`.
  /// - Complexity: O(s·k) with `.minhash`, O(s + k) expected with `.oph`, for s
  ///   fingerprints and k slots.
  package func sketch(
    _ fingerprints: UnsafeBufferPointer<UInt64>, into out: UnsafeMutableBufferPointer<UInt32>
  ) {
    precondition(out.count == multipliers.count, "signature has \(out.count) slots, expected \(multipliers.count)")
    switch parameters.scheme {
    case .minhash: sketchPermutations(fingerprints, into: out)
    case .oph: sketchOnePermutation(fingerprints, into: out)
    }
  }

  /// Whether `.minhash` signatures take the AVX-512 kernel (`cvk_min_hash_permutations`,
  /// eight slots per instruction); asked once per process.
  static let permutationKernelAvailable = cvk_min_hash_available()

  /// Whether this hasher takes the AVX-512 kernel for `.minhash`; tests turn it off to
  /// compare the two paths.
  var usesPermutationKernel = MinHasher.permutationKernelAvailable

  /// k-permutation MinHash. Permutation-major: a_i, b_i and running minima stay in
  /// registers while the fingerprints stream past — 32 slots at a time in AVX-512
  /// vectors where the processor has them, else four minima of one slot at a time.
  private func sketchPermutations(
    _ fingerprints: UnsafeBufferPointer<UInt64>, into out: UnsafeMutableBufferPointer<UInt32>
  ) {
    if usesPermutationKernel {
      multipliers.withUnsafeBufferPointer { a in
        increments.withUnsafeBufferPointer { b in
          cvk_min_hash_permutations(
            fingerprints.baseAddress, fingerprints.count, a.baseAddress, b.baseAddress, out.count, out.baseAddress)
        }
      }
      return
    }
    multipliers.withUnsafeBufferPointer { a in
      increments.withUnsafeBufferPointer { b in
        let count = fingerprints.count
        let whole = count & ~3
        for slot in 0..<out.count {
          let (ak, bk) = (a[slot], b[slot])
          var m0 = UInt64.max
          var m1 = UInt64.max
          var m2 = UInt64.max
          var m3 = UInt64.max
          var index = 0
          while index < whole {
            m0 = min(m0, (ak &* fingerprints[index] &+ bk) &>> 32)
            m1 = min(m1, (ak &* fingerprints[index + 1] &+ bk) &>> 32)
            m2 = min(m2, (ak &* fingerprints[index + 2] &+ bk) &>> 32)
            m3 = min(m3, (ak &* fingerprints[index + 3] &+ bk) &>> 32)
            index += 4
          }
          while index < count {
            m0 = min(m0, (ak &* fingerprints[index] &+ bk) &>> 32)
            index += 1
          }
          out[slot] = count == 0 ? UInt32.max : UInt32(truncatingIfNeeded: min(min(m0, m1), min(m2, m3)))
        }
      }
    }
  }

  /// One permutation hashing with optimal densification.
  private func sketchOnePermutation(
    _ fingerprints: UnsafeBufferPointer<UInt64>, into out: UnsafeMutableBufferPointer<UInt32>
  ) {
    let k = out.count
    out.update(repeating: UInt32.max)
    guard !fingerprints.isEmpty else { return }
    let a = multipliers[0]
    let b = increments[0]
    let binCount = UInt64(k)
    withUnsafeTemporaryAllocation(of: UInt64.self, capacity: (k + 63) / 64) { occupied in
      occupied.initialize(repeating: 0)
      for fingerprint in fingerprints {
        let h = a &* fingerprint &+ b
        let bin = Int(((h &>> 32) &* binCount) &>> 32)
        out[bin] = min(out[bin], UInt32(truncatingIfNeeded: h))
        occupied[bin &>> 6] |= 1 &<< UInt64(bin & 63)
      }
      // Densify: an empty bin takes the value of the first occupied bin of its probe
      // sequence; the sequence depends on (seed, bin, attempt) only. Empty bins are
      // visited through the zero bits of `occupied`, their first probes read from
      // `probeTable`.
      @inline(__always) func isOccupied(_ bin: Int) -> Bool { occupied[bin &>> 6] & (1 &<< UInt64(bin & 63)) != 0 }
      let depth = Self.probeTableDepth
      probeTable.withUnsafeBufferPointer { table in
        for word in 0..<occupied.count {
          var empty = ~occupied[word]
          if word == occupied.count &- 1 && k & 63 != 0 { empty &= (1 &<< UInt64(k & 63)) &- 1 }
          while empty != 0 {
            let bin = word &* 64 &+ empty.trailingZeroBitCount
            empty &= empty &- 1
            var source = -1
            for attempt in 0..<depth {
              let candidate = Int(table[bin &* depth &+ attempt])
              if isOccupied(candidate) {
                source = candidate
                break
              }
            }
            var attempt = UInt64(depth)
            while source < 0 {
              attempt &+= 1
              let candidate = Self.probe(bin: bin, attempt: attempt, seed: probeSeed, binCount: k)
              if isOccupied(candidate) { source = candidate }
            }
            out[bin] = out[source]
          }
        }
      }
    }
  }

  /// The SplitMix64 output function: a bijective 64-bit mixer.
  @inline(__always)
  static func mix(_ value: UInt64) -> UInt64 {
    var z = value &+ 0x9E37_79B9_7F4A_7C15
    z = (z ^ (z &>> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z &>> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z &>> 31)
  }

  /// The signature of a document with `fingerprints`.
  /// - Complexity: that of `sketch(_:into:)`.
  package func signature(of fingerprints: [UInt64]) -> Signature {
    var values = [UInt32](repeating: 0, count: permutationCount)
    fingerprints.withUnsafeBufferPointer { fingerprints in
      values.withUnsafeMutableBufferPointer { sketch(fingerprints, into: $0) }
    }
    return Signature(values: values)
  }
}
