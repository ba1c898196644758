/// Calls `emit` with the 1 to 4 UTF-8 bytes of the scalar value `value`.
///
/// The one UTF-8 encoder of the library: the tokenizer writes case folds with it and
/// the JSON scanner decodes `\u` escapes with it.
/// - Precondition: `value` is a Unicode scalar value (not a surrogate, ≤ U+10FFFF).
/// - Complexity: O(1).
@inline(__always)
func encodeUTF8(_ value: UInt32, _ emit: (UInt8) -> Void) {
  switch value {
  case 0..<0x80:
    emit(UInt8(value))
  case 0x80..<0x800:
    emit(UInt8(0xC0 | value >> 6))
    emit(UInt8(0x80 | value & 0x3F))
  case 0x800..<0x10000:
    emit(UInt8(0xE0 | value >> 12))
    emit(UInt8(0x80 | (value >> 6) & 0x3F))
    emit(UInt8(0x80 | value & 0x3F))
  default:
    emit(UInt8(0xF0 | value >> 18))
    emit(UInt8(0x80 | (value >> 12) & 0x3F))
    emit(UInt8(0x80 | (value >> 6) & 0x3F))
    emit(UInt8(0x80 | value & 0x3F))
  }
}

/// Whether `a` comes before `b` in the byte order of their UTF-8 (not Unicode
/// collation): the order of ids and file names in NearDup's output. Native strings
/// are compared over their contiguous bytes, without iterator overhead.
/// - Complexity: O(min(a.utf8.count, b.utf8.count)).
func utf8Precedes(_ a: String, _ b: String) -> Bool {
  let contiguous = a.utf8.withContiguousStorageIfAvailable { x in
    b.utf8.withContiguousStorageIfAvailable { y -> Bool in
      for index in 0..<min(x.count, y.count) where x[index] != y[index] { return x[index] < y[index] }
      return x.count < y.count
    }
  }
  return (contiguous ?? nil) ?? a.utf8.lexicographicallyPrecedes(b.utf8)
}
