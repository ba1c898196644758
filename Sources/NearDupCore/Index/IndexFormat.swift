/// Constants and little-endian encoding shared by index files.
///
/// Every integer in an index file is little-endian, whatever the machine; every
/// read is bounds-checked and goes through `loadUnaligned` so that a damaged file can
/// only produce an `IndexFileError`.
enum IndexFormat {
  /// The format version this NearDup writes and reads. Version 2 fingerprints a word
  /// shingle by its normalized text (version 1 hashed its tokens' hashes): files of
  /// another version are refused, never matched against the other fingerprints.
  static let version: UInt32 = 2

  /// Checks the version field of the file at `path`.
  /// - Throws: `IndexFileError.newerFormat` or `.olderFormat`.
  static func checkVersion(_ version: UInt32, path: String) throws(IndexFileError) {
    if version > Self.version { throw .newerFormat(path: path, version: version, supported: Self.version) }
    if version < Self.version { throw .olderFormat(path: path, version: version, supported: Self.version) }
  }
  /// Magic bytes of a segment file.
  static let segmentMagic = Array("NDUPSEG\u{0}".utf8)
  /// Magic bytes of the manifest.
  static let manifestMagic = Array("NDUPMANI".utf8)
  /// Bytes of a segment header.
  static let headerSize = 256
  /// Bytes of one section-table entry.
  static let sectionEntrySize = 32
  /// Bytes covered by one block checksum.
  static let blockSize = 1 << 16
  /// Bytes of the encoded `IndexParameters`.
  static let parametersSize = 64
  /// Seed of the id hashes in the id table.
  static let idHashSeed: UInt64 = 0x4E44_1D1D

  /// The hash under which an id is filed.
  static func idHash(_ id: String) -> UInt64 { XXH3.hash(id, seed: idHashSeed) }
}

/// Appends little-endian values to a byte array.
struct ByteWriter {
  var bytes: [UInt8] = []

  mutating func u8(_ value: UInt8) { bytes.append(value) }
  mutating func u32(_ value: UInt32) { withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) } }
  mutating func u64(_ value: UInt64) { withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) } }
  mutating func f64(_ value: Double) { u64(value.bitPattern) }
  mutating func raw(_ data: [UInt8]) { bytes.append(contentsOf: data) }
  /// Pads with zeros to a multiple of `alignment`.
  mutating func pad(to alignment: Int) {
    while bytes.count % alignment != 0 { bytes.append(0) }
  }
}

/// Reads little-endian values from a byte region, checking every access.
struct ByteReader {
  let bytes: UnsafeRawBufferPointer
  let path: String

  /// The value of type `T` at `offset`.
  /// - Throws: `IndexFileError.truncated` when it lies beyond the region.
  func load<T: FixedWidthInteger>(_ type: T.Type, at offset: Int) throws(IndexFileError) -> T {
    guard offset >= 0, offset + MemoryLayout<T>.size <= bytes.count else {
      throw .truncated(path: path, expectedBytes: offset + MemoryLayout<T>.size, actualBytes: bytes.count)
    }
    return T(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: T.self))
  }

  func u8(_ offset: Int) throws(IndexFileError) -> UInt8 { try load(UInt8.self, at: offset) }
  func u32(_ offset: Int) throws(IndexFileError) -> UInt32 { try load(UInt32.self, at: offset) }
  func u64(_ offset: Int) throws(IndexFileError) -> UInt64 { try load(UInt64.self, at: offset) }
  func f64(_ offset: Int) throws(IndexFileError) -> Double { Double(bitPattern: try u64(offset)) }

  /// The u64 size, offset or count at `offset` as an `Int`, which must not exceed
  /// `limit`: a crafted value is an error, never a trap in a conversion or in the
  /// arithmetic done with it.
  /// - Throws: `IndexFileError.corrupt` naming `what` when it is larger.
  func size(_ offset: Int, atMost limit: Int, _ what: String) throws(IndexFileError) -> Int {
    let value = try u64(offset)
    guard value <= UInt64(max(0, limit)) else { throw .corrupt(path: path, reason: "\(what) \(value) is out of range") }
    return Int(value)
  }

  /// The bytes of `range`.
  func slice(_ range: Range<Int>) throws(IndexFileError) -> UnsafeRawBufferPointer {
    guard range.lowerBound >= 0, range.upperBound <= bytes.count else {
      throw .truncated(path: path, expectedBytes: range.upperBound, actualBytes: bytes.count)
    }
    return UnsafeRawBufferPointer(rebasing: bytes[range])
  }

  /// XXH3-64 of `range`.
  func checksum(_ range: Range<Int>) throws(IndexFileError) -> UInt64 { XXH3.hash(try slice(range)) }
}

/// Everything an index is built with: stored in its manifest and in every segment,
/// and reused by every later change and query.
///
/// - Invariant: `0 < threshold <= 1`; `lsh` fits `sketch.permutationCount`.
public struct IndexParameters: Hashable, Sendable {
  /// Shingling and MinHash.
  public let sketch: SketchParameters
  /// The similarity threshold: queries return matches at least this similar unless
  /// they ask for another.
  public let threshold: Double
  /// Jaccard or containment: the similarity that queries filter and rank by.
  public let measure: SimilarityMeasure
  /// The banding of the stored band tables.
  public let lsh: LSHParameters

  /// Creates validated parameters.
  /// - Parameters:
  ///   - sketch: Shingling and MinHash.
  ///   - threshold: The similarity threshold, in (0, 1].
  ///   - measure: Jaccard or containment.
  ///   - lsh: The banding, which must fit `sketch.permutationCount`.
  /// - Throws: `ParameterError.threshold` or `.bandsAndRows` for a value out of range.
  public init(sketch: SketchParameters, threshold: Double, measure: SimilarityMeasure, lsh: LSHParameters)
    throws(ParameterError)
  {
    guard threshold > 0, threshold <= 1 else { throw .threshold(threshold) }
    guard lsh.bands * lsh.rows <= sketch.permutationCount else {
      throw .bandsAndRows(bands: lsh.bands, rows: lsh.rows, permutationCount: sketch.permutationCount)
    }
    self.sketch = sketch
    self.threshold = threshold
    self.measure = measure
    self.lsh = lsh
  }

  /// The parameters a clustering configuration implies: its sketch parameters,
  /// threshold and measure, and its banding (`ClusterConfiguration.resolvedLSH`).
  public init(_ configuration: ClusterConfiguration) {
    sketch = configuration.sketch
    threshold = configuration.threshold
    measure = configuration.measure
    lsh = configuration.resolvedLSH
  }

  /// Appends the 64-byte encoding.
  func encode(into writer: inout ByteWriter) {
    let start = writer.bytes.count
    writer.u8(sketch.shingle == .word ? 0 : 1)
    writer.u8(sketch.splitsGluedWords ? 1 : 0)
    writer.u8(measure == .jaccard ? 0 : 1)
    writer.u8(sketch.scheme == .minhash ? 0 : 1)
    writer.u32(UInt32(sketch.shingleSize))
    writer.u32(UInt32(sketch.permutationCount))
    writer.u32(UInt32(lsh.bands))
    writer.u32(UInt32(lsh.rows))
    writer.u32(UInt32(sketch.cleaning.rawValue))
    writer.u64(sketch.seed)
    writer.f64(threshold)
    while writer.bytes.count - start < IndexFormat.parametersSize { writer.u8(0) }
  }

  /// Decodes the 64 bytes at `offset`.
  static func decode(_ reader: ByteReader, at offset: Int) throws(IndexFileError) -> IndexParameters {
    func corrupt(_ reason: String) -> IndexFileError { .corrupt(path: reader.path, reason: reason) }
    let shingleCode = try reader.u8(offset)
    let splitCode = try reader.u8(offset + 1)
    let measureCode = try reader.u8(offset + 2)
    let scheme = try reader.u8(offset + 3)
    guard shingleCode <= 1, splitCode <= 1, measureCode <= 1 else { throw corrupt("unknown parameter codes") }
    guard scheme <= 1 else { throw corrupt("unknown sketch scheme \(scheme)") }
    let shingleSize = Int(try reader.u32(offset + 4))
    let permutationCount = Int(try reader.u32(offset + 8))
    let bands = Int(try reader.u32(offset + 12))
    let rows = Int(try reader.u32(offset + 16))
    let cleaningCode = try reader.u32(offset + 20)
    guard cleaningCode <= 3 else { throw corrupt("unknown cleaning options \(cleaningCode)") }
    let seed = try reader.u64(offset + 24)
    let threshold = try reader.f64(offset + 32)
    guard threshold > 0, threshold <= 1 else { throw corrupt("threshold \(threshold) outside (0, 1]") }
    do {
      let sketch = try SketchParameters(
        shingle: shingleCode == 0 ? .word : .character, shingleSize: shingleSize, permutationCount: permutationCount,
        seed: seed, splitsGluedWords: splitCode == 1, scheme: scheme == 0 ? .minhash : .oph,
        cleaning: CleaningOptions(rawValue: UInt8(cleaningCode)))
      let lsh = try LSHParameters(bands: bands, rows: rows, permutationCount: permutationCount)
      return try IndexParameters(
        sketch: sketch, threshold: threshold, measure: measureCode == 0 ? .jaccard : .containment, lsh: lsh)
    } catch {
      throw corrupt("invalid parameters: \(error)")
    }
  }
}

/// `array.withUnsafeBytes(body)` for a body with a typed error, which the standard
/// library's rethrowing version erases.
func withBytes<Result, Failure: Error>(
  of array: [UInt8], _ body: (UnsafeRawBufferPointer) throws(Failure) -> Result
) throws(Failure) -> Result {
  let outcome = array.withUnsafeBytes { raw in Swift.Result { () throws(Failure) -> Result in try body(raw) } }
  return try outcome.get()
}
