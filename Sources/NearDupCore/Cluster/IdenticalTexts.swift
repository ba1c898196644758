/// Groups documents whose normalized texts are identical (equal content keys): the
/// first occurrence of a text stands for its later copies, which skip LSH and
/// verification and join its cluster with similarity 1.
///
/// One open-addressing table of document numbers, indexed by the low bits of the
/// content key (already a hash, so no further hashing), probed linearly and compared
/// on the whole 128-bit key.
///
/// - Complexity: O(N) expected time for N documents; 4 bytes per table slot, at
///   least two slots per document.
struct IdenticalTexts {
  /// For each document, the first document with the same content key (itself for a
  /// first occurrence); `UInt32.max` for empty documents.
  private(set) var canonical: [UInt32]
  /// The first occurrences, in input order: the documents that go on to LSH.
  private(set) var participants: [UInt32] = []
  /// The number of later copies.
  private(set) var duplicateCount = 0

  /// Groups the documents with `contentKeys`, leaving out those `isEmpty` names.
  /// - Precondition: fewer than 2^31 documents.
  init(contentKeys: [ContentKey], isEmpty: (Int) -> Bool) {
    let count = contentKeys.count
    canonical = [UInt32](repeating: UInt32.max, count: count)
    var slotCount = 16
    while slotCount < 2 * count { slotCount <<= 1 }
    let mask = slotCount - 1
    // Slot values are document + 1; 0 marks an empty slot.
    var slots = [UInt32](repeating: 0, count: slotCount)
    participants.reserveCapacity(count)
    for document in 0..<count where !isEmpty(document) {
      let key = contentKeys[document]
      var slot = Int(truncatingIfNeeded: key.low) & mask
      while true {
        let entry = slots[slot]
        if entry == 0 {
          slots[slot] = UInt32(document + 1)
          canonical[document] = UInt32(document)
          participants.append(UInt32(document))
          break
        }
        if contentKeys[Int(entry - 1)] == key {
          canonical[document] = entry - 1
          duplicateCount += 1
          break
        }
        slot = (slot + 1) & mask
      }
    }
  }
}
