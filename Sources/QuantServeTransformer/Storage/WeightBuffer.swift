/// An immutable buffer of `Float` weights with a stable address, so kernels can read it from
/// any thread without copying or retaining arrays.
final class WeightBuffer: @unchecked Sendable {
    /// The elements; never written after `init`.
    let pointer: UnsafePointer<Float>
    /// The number of elements.
    let count: Int

    /// Copies `values` into a new buffer.
    init(_ values: [Float]) {
        let storage = UnsafeMutablePointer<Float>.allocate(capacity: max(values.count, 1))
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
