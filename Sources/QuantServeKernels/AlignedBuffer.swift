/// A cache-line aligned block of memory owned by one object and freed with
/// it. The one place where the kernels' packed data lives behind a raw pointer; it is written
/// only while its owner is being built (or by the one call that allocated it as scratch).
final class AlignedBuffer: @unchecked Sendable {
    /// Start of the memory; `byteCount` bytes, aligned to `AlignedBuffer.alignment`.
    let base: UnsafeMutableRawPointer
    /// Size in bytes.
    let byteCount: Int

    /// Alignment of every buffer: one cache line, and a whole 512-bit vector.
    static let alignment = 64

    /// Allocates `byteCount` bytes, zero-filled unless `zeroed` is false (scratch that the
    /// caller overwrites entirely).
    init(byteCount: Int, zeroed: Bool = true) {
        self.byteCount = byteCount
        base = LargeAllocation.allocate(byteCount: byteCount)
        if zeroed {
            base.initializeMemory(as: UInt8.self, repeating: 0, count: max(byteCount, 1))
        }
    }

    deinit {
        base.deallocate()
    }

    /// The memory as `count` values of `type`.
    func typed<T>(_ type: T.Type, count: Int) -> UnsafeMutablePointer<T> {
        precondition(count * MemoryLayout<T>.stride <= byteCount || count == 0)
        return base.bindMemory(to: type, capacity: max(count, 1))
    }
}
