#if canImport(Glibc)
  import Glibc
#endif
import Testing

@testable import NearDupCore

@Suite("PagePopulation")
struct PagePopulationTests {
  #if os(Linux)
    /// The number of resident pages among the whole pages of `byteCount` bytes from
    /// `start`, by `mincore`.
    private func residentPages(_ start: UnsafeRawPointer, byteCount: Int) -> (resident: Int, pages: Int) {
      let page = Int(getpagesize())
      let lower = (Int(bitPattern: start) + page - 1) & ~(page - 1)
      let upper = (Int(bitPattern: start) + byteCount) & ~(page - 1)
      let pages = (upper - lower) / page
      var vector = [UInt8](repeating: 0, count: pages)
      let status = mincore(UnsafeMutableRawPointer(bitPattern: lower), upper - lower, &vector)
      #expect(status == 0)
      return (vector.reduce(0) { $0 + Int($1 & 1) }, pages)
    }

    @Test("maps the spare capacity's pages and changes no element")
    func populatesSpareCapacity() {
      let used = 1_000
      let additional = 4 << 20  // 16 MiB of UInt32, far past the minimum range
      var values: [UInt32] = []
      values.reserveCapacity(used + additional)
      values.append(contentsOf: (0..<UInt32(used)).map { $0 &* 2_654_435_761 })
      let before = values.map { $0 }  // a copy of its own: `values` stays uniquely referenced
      let capacity = values.capacity
      let spareBefore = values.withUnsafeMutableBufferPointer {
        residentPages(UnsafeRawPointer($0.baseAddress! + used), byteCount: additional * 4)
      }
      // Fresh reserved memory is mapped on first write: most of it is not resident yet.
      #expect(spareBefore.resident < spareBefore.pages / 2)
      values.withUnsafeMutableBufferPointer {
        PagePopulation.populateSpareCapacity(after: $0, capacity: capacity, additional: additional)
      }
      let spareAfter = values.withUnsafeMutableBufferPointer {
        residentPages(UnsafeRawPointer($0.baseAddress! + used), byteCount: additional * 4)
      }
      #expect(spareAfter.resident == spareAfter.pages)
      #expect(values == before)
      #expect(values.capacity == capacity)
    }
  #endif
}
