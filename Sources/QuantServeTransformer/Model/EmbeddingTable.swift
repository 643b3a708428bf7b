import QuantServeKernels

/// A word-embedding table, `[vocab, hidden]`: F32 rows, or int8 rows with one scale per row
/// (`w ≈ q · scale`, `q` in -127...127), a quarter of the memory (a 250,037-row table of width
/// 384: 96 MB instead of 384 MB).
enum EmbeddingTable: Sendable {
    case float(WeightBuffer)
    case int8(Int8Rows)

    /// `output[c] = row[c] + position[c] + tokenType[c]` for `c` in `0..<width`: one token's
    /// word, position and token-type embeddings summed.
    func write(
        row: Int, width: Int, position: UnsafePointer<Float>, tokenType: UnsafePointer<Float>,
        to output: UnsafeMutablePointer<Float>
    ) {
        switch self {
        case let .float(buffer):
            let source = buffer.pointer + row * width
            for column in 0..<width { output[column] = source[column] + position[column] + tokenType[column] }
        case let .int8(table):
            let source = table.values + row * width
            let scale = table.scales.pointer[row]
            for column in 0..<width {
                output[column] = Float(source[column]) * scale + position[column] + tokenType[column]
            }
        }
    }

    /// Asks for row `row` (`width` values) to be brought into cache, ahead of `write`.
    func prefetch(row: Int, width: Int) {
        switch self {
        case let .float(buffer): CachePrefetch.read(buffer.pointer + row * width, bytes: 4 * width)
        case let .int8(table): CachePrefetch.read(table.values + row * width, bytes: width)
        }
    }

    /// Bytes held.
    var memoryBytes: Int {
        switch self {
        case let .float(buffer): buffer.memoryBytes
        case let .int8(table): table.count + table.scales.memoryBytes
        }
    }
}

/// Int8 rows with one F32 scale per row, at a stable address (never written after `init`).
final class Int8Rows: @unchecked Sendable {
    let values: UnsafePointer<Int8>
    let count: Int
    let scales: WeightBuffer

    /// Copies `values` (`scales.count` rows) into a new buffer, on transparent huge pages when
    /// it is 2 MiB or more (`LargeAllocation`).
    init(values: [Int8], scales: [Float]) {
        let storage = LargeAllocation.allocate(byteCount: max(values.count, 1)).bindMemory(
            to: Int8.self, capacity: max(values.count, 1))
        values.withUnsafeBufferPointer { source in
            if let base = source.baseAddress { storage.initialize(from: base, count: values.count) }
        }
        self.values = UnsafePointer(storage)
        count = values.count
        self.scales = WeightBuffer(scales)
    }

    deinit {
        UnsafeMutablePointer(mutating: values).deallocate()
    }
}
