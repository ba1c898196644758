/// Every document of a corpus reduced to what the later stages need: the
/// `DocumentTable`, the signatures, the digest or fingerprint sets (as kept) and the
/// content keys that identify identical normalized texts.
///
/// - Invariant: the table, the signature matrix, `contentKeys` and the kept set
///   store all hold `documents.count` rows in input order.
package struct SketchedCorpus: Sendable {
  /// Ids, previews, origins and sizes.
  public var documents = DocumentTable()
  /// One signature per document.
  public var signatures: SignatureMatrix
  /// One sorted 32-bit digest set per document, with `.digests` retention.
  public var digests: DigestStore?
  /// One sorted 64-bit fingerprint set per document, with `.fingerprints` retention.
  public var fingerprints: FingerprintStore<UInt64>?
  /// One 128-bit hash of the normalized text per document.
  public var contentKeys: [ContentKey] = []
  /// Counts and the read and sketch timings.
  public var statistics = PipelineStatistics()

  /// An empty corpus for signatures of `permutationCount` slots.
  public init(permutationCount: Int, retention: SetRetention) {
    signatures = SignatureMatrix(permutationCount: permutationCount)
    digests = retention == .digests ? DigestStore() : nil
    fingerprints = retention == .fingerprints ? FingerprintStore() : nil
  }

  /// Reserves room for `documents` more documents whose sets hold `setValues`
  /// values in all, so that growing the large arrays never copies them.
  public mutating func reserveCapacity(documents count: Int, setValues: Int) {
    let total = documents.count + count
    documents.ids.reserveCapacity(total)
    documents.previews.reserveCapacity(total)
    documents.locations.reserveCapacity(total)
    documents.tokenCounts.reserveCapacity(total)
    documents.shingleCounts.reserveCapacity(total)
    contentKeys.reserveCapacity(total)
    signatures.reserveCapacity(rows: total)
    digests?.reserveCapacity(sets: count, values: setValues)
    fingerprints?.reserveCapacity(sets: count, values: setValues)
  }

  /// Appends one document that was sketched elsewhere (an index segment): its
  /// fingerprint set is kept as fingerprints or digests, as this corpus keeps sets.
  /// - Precondition: `signature.count == signatures.permutationCount`.
  public mutating func append(
    id: String, preview: String, location: DocumentLocation, tokenCount: Int, contentKey: ContentKey,
    signature: UnsafeBufferPointer<UInt32>, fingerprints set: UnsafeBufferPointer<UInt64>
  ) {
    documents.ids.append(id)
    documents.previews.append(preview)
    documents.locations.append(location)
    documents.tokenCounts.append(UInt32(clamping: tokenCount))
    contentKeys.append(contentKey)
    signatures.append(rows: signature)
    fingerprints?.append(set)
    var digestSet = set.map(FingerprintSet.digest)
    FingerprintSet.sortAndRemoveDuplicates(&digestSet)
    digestSet.withUnsafeBufferPointer { digests?.append($0) }
    documents.shingleCounts.append(UInt32(clamping: fingerprints != nil ? set.count : digestSet.count))
    statistics.documents = documents.count
  }
}
