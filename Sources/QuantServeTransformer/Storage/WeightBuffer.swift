import QuantServeKernels

/// An immutable buffer of `Float` weights with a stable address, so kernels can read it from
/// any thread without copying or retaining arrays.
final class WeightBuffer: @unchecked Sendable {
    /// The elements; never written after `init`.
    let pointer: UnsafePointer<Float>
    /// The number of elements.
    let count: Int

    /// Copies `values` into a new buffer; one of 2 MiB or more is on transparent huge pages
    /// (`LargeAllocation`), so random rows of a large table (word embeddings) cost no TLB walk.
    init(_ values: [Float]) {
        let storage = LargeAllocation.allocate(byteCount: 4 * max(values.count, 1)).bindMemory(
            to: Float.self, capacity: max(values.count, 1))
        values.withUnsafeBufferPointer { source in
            if let base = source.baseAddress { storage.initialize(from: base, count: values.count) }
        }
        pointer = UnsafePointer(storage)
        count = values.count
    }

    deinit {
        UnsafeMutablePointer(mutating: pointer).deallocate()
    }

    /// Bytes held.
    var memoryBytes: Int { 4 * count }

    /// The elements, copied into an array.
    var values: [Float] { Array(UnsafeBufferPointer(start: pointer, count: count)) }
}
