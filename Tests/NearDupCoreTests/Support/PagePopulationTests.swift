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
    func populatesSpareCapacity() throws {
      // A fresh anonymous mapping stands for an array's storage: none of its pages is
      // resident before it is written (memory the allocator reuses may be).
      let used = 1_000
      let capacity = 4 << 20  // 16 MiB of UInt32, far past the minimum range
      let byteCount = capacity * MemoryLayout<UInt32>.stride
      let mapping = try #require(
        mmap(nil, byteCount, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0).flatMap {
          $0 == MAP_FAILED ? nil : $0
        })
      defer { munmap(mapping, byteCount) }
      // Ordinary pages even where transparent huge pages are always on, so that the
      // first writes below map only their own pages.
      _ = madvise(mapping, byteCount, MADV_NOHUGEPAGE)
      let storage = mapping.bindMemory(to: UInt32.self, capacity: capacity)
      for index in 0..<used { storage[index] = UInt32(truncatingIfNeeded: index &* 2_654_435_761) }
      let elements = UnsafeMutableBufferPointer(start: storage, count: used)
      let spare = UnsafeRawPointer(storage + used)
      let spareBytes = (capacity - used) * MemoryLayout<UInt32>.stride
      #expect(residentPages(spare, byteCount: spareBytes).resident == 0)

      PagePopulation.populateSpareCapacity(after: elements, capacity: capacity, additional: capacity - used)

      let after = residentPages(spare, byteCount: spareBytes)
      #expect(after.resident == after.pages)
      #expect((0..<used).allSatisfy { storage[$0] == UInt32(truncatingIfNeeded: $0 &* 2_654_435_761) })
      #expect(storage[used] == 0 && storage[capacity - 1] == 0)
    }
  #endif
}
