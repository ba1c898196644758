/// The document ids met so far and where each was first met, so that a repeated id
/// is caught, across all inputs, with one hash lookup per document.
///
/// Ids are compared byte for byte, as the index's id table compares them. Open
/// addressing with linear probing over the XXH3-64 hash of each id's UTF-8; the ids
/// themselves are compared only when two hashes match. (A `Dictionary` of `String`
/// keys runs SipHash over every id's normalized form, the costliest step of
/// collecting a sketched block.)
///
/// - Invariant: the slot count is a power of two, at least 4/3 of `count` (the table
///   is at most three quarters full); a slot holds an id exactly when its hash is
///   non-zero (a hash of 0 is stored as 1).
/// - Complexity: O(1) expected per id, O(n) to grow; 36 bytes per slot, 48 to 96
///   per id.
struct IDRegistry {
  private var hashes: [UInt64]
  private var ids: [String]
  private var locations: [DocumentLocation]
  /// The number of ids registered.
  private(set) var count = 0

  /// An empty registry.
  init() {
    self.init(slotCount: 16)
  }

  /// Records `id` as first met at `location`, unless it was met before: then nothing
  /// changes and the first location is returned.
  mutating func register(_ id: String, at location: DocumentLocation) -> DocumentLocation? {
    register(id, hash: Self.hash(id), at: location)
  }

  /// `register(_:at:)` for an id whose `hash(_:)` is known (the workers hash the
  /// ids of their blocks).
  /// - Precondition: `hash == IDRegistry.hash(id)`.
  mutating func register(_ id: String, hash: UInt64, at location: DocumentLocation) -> DocumentLocation? {
    if !Self.fits(count + 1, in: hashes.count) { grow(toHold: count + 1) }
    let mask = hashes.count - 1
    var slot = homeSlot(of: hash)
    while hashes[slot] != 0 {
      if hashes[slot] == hash && ids[slot].utf8.elementsEqual(id.utf8) { return locations[slot] }
      slot = (slot + 1) & mask
    }
    fill(slot, hash: hash, id: id, location: location)
    return nil
  }

  /// Hints that the id of hash `hash` is registered soon: its first slot in the
  /// three arrays is read into cache. A table of a million ids spans over 50 MB, and
  /// the slots of successive ids lie far apart, so each registration otherwise
  /// waits for three cache misses.
  /// - Complexity: O(1); changes nothing.
  func prefetch(hash: UInt64) {
    let slot = homeSlot(of: hash)
    hashes.withUnsafeBufferPointer { Prefetch.line(UnsafeRawPointer($0.baseAddress! + slot)) }
    ids.withUnsafeBufferPointer { Prefetch.line(UnsafeRawPointer($0.baseAddress! + slot)) }
    locations.withUnsafeBufferPointer { Prefetch.line(UnsafeRawPointer($0.baseAddress! + slot)) }
  }

  /// Makes room for `additional` more ids without growing again.
  mutating func reserveCapacity(_ additional: Int) {
    if !Self.fits(count + additional, in: hashes.count) { grow(toHold: count + additional) }
  }

  /// The slot where probing for `hash` starts.
  private func homeSlot(of hash: UInt64) -> Int { Int(truncatingIfNeeded: hash) & (hashes.count - 1) }

  /// Whether `ids` ids keep a table of `slotCount` slots at most three quarters full.
  private static func fits(_ ids: Int, in slotCount: Int) -> Bool { 4 * ids <= 3 * slotCount }

  /// Rehashes into the smallest table that holds `needed` ids.
  private mutating func grow(toHold needed: Int) {
    var slotCount = hashes.count
    while !Self.fits(needed, in: slotCount) { slotCount *= 2 }
    var larger = IDRegistry(slotCount: slotCount)
    for slot in hashes.indices where hashes[slot] != 0 {
      larger.insertNew(hash: hashes[slot], id: ids[slot], location: locations[slot])
    }
    self = larger
  }

  private init(slotCount: Int) {
    hashes = [UInt64](repeating: 0, count: slotCount)
    ids = [String](repeating: "", count: slotCount)
    locations = [DocumentLocation](repeating: DocumentLocation(input: 0, line: 0), count: slotCount)
  }

  /// Places an id known to be absent.
  private mutating func insertNew(hash: UInt64, id: String, location: DocumentLocation) {
    let mask = hashes.count - 1
    var slot = homeSlot(of: hash)
    while hashes[slot] != 0 { slot = (slot + 1) & mask }
    fill(slot, hash: hash, id: id, location: location)
  }

  /// Stores an id in the empty `slot`.
  private mutating func fill(_ slot: Int, hash: UInt64, id: String, location: DocumentLocation) {
    hashes[slot] = hash
    ids[slot] = id
    locations[slot] = location
    count += 1
  }

  /// The table hash of `id`: XXH3-64 of its UTF-8, never 0.
  static func hash(_ id: String) -> UInt64 {
    let hash = XXH3.hash(id)
    return hash == 0 ? 1 : hash
  }
}
