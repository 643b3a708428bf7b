import QuantServeKernels
import Testing

@testable import QuantServeTransformer

/// The immutable weight stores: what they hold, and that large ones sit on huge-page-aligned
/// blocks (`LargeAllocation`), where a random row of the word-embedding table costs no TLB walk.
@Suite("Weight storage")
struct WeightStorageTests {
    @Test("a WeightBuffer of 2 MiB or more is 2 MiB aligned, a small one a cache line; both hold their values")
    func weightBufferAlignment() {
        for count in [1, 1000, LargeAllocation.hugePageBytes / 4, 3_000_000] {
            let values = (0..<count).map { Float($0 % 1009) - 500 }
            let buffer = WeightBuffer(values)
            let alignment = 4 * count >= LargeAllocation.hugePageBytes ? LargeAllocation.hugePageBytes : 64
            #expect(UInt(bitPattern: buffer.pointer) % UInt(alignment) == 0, "\(count) floats")
            #expect(buffer.values == values)
        }
    }

    @Test("Int8Rows of 2 MiB or more are 2 MiB aligned and hold their values and scales")
    func int8RowsAlignment() {
        for count in [384, LargeAllocation.hugePageBytes + 384] {
            let values = (0..<count).map { Int8(truncatingIfNeeded: $0 % 255 - 127) }
            let scales = (0..<(count / 384)).map { Float($0) * 0.5 + 0.25 }
            let rows = Int8Rows(values: values, scales: scales)
            let alignment = count >= LargeAllocation.hugePageBytes ? LargeAllocation.hugePageBytes : 64
            #expect(UInt(bitPattern: rows.values) % UInt(alignment) == 0, "\(count) bytes")
            #expect(Array(UnsafeBufferPointer(start: rows.values, count: count)) == values)
            #expect(rows.scales.values == scales)
        }
    }
}
