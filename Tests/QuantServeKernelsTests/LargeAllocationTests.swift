import Testing

@testable import QuantServeKernels

@Suite("LargeAllocation")
struct LargeAllocationTests {
    @Test("blocks of a huge page or more are 2 MiB aligned, smaller ones a cache line; all writable end to end")
    func alignmentAndSize() {
        for byteCount in [0, 1, 4096, LargeAllocation.hugePageBytes - 1, LargeAllocation.hugePageBytes, 5_000_000] {
            let base = LargeAllocation.allocate(byteCount: byteCount)
            defer { base.deallocate() }
            let address = UInt(bitPattern: base)
            let expected = byteCount >= LargeAllocation.hugePageBytes ? LargeAllocation.hugePageBytes : 64
            #expect(address % UInt(expected) == 0, "\(byteCount) bytes at \(address)")
            let count = max(byteCount, 1)
            base.initializeMemory(as: UInt8.self, repeating: 0xA5, count: count)
            #expect(base.load(fromByteOffset: count - 1, as: UInt8.self) == 0xA5)
        }
    }
}
