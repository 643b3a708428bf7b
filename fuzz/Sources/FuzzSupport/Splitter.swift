import QuantServeSeededRandom

/// Cuts a byte sequence into chunks whose lengths follow a seed, so one input also chooses
/// where the reads of a stream end (1...maxChunk bytes each; the same seed cuts at the same places).
public struct Splitter: Sequence, IteratorProtocol {
    private let bytes: [UInt8]
    private var random: SeededGenerator
    private let maxChunk: Int
    private var offset = 0

    /// Chunks of `bytes` at most `maxChunk` long.
    public init(_ bytes: [UInt8], seed: UInt8, maxChunk: Int) {
        self.bytes = bytes
        self.random = SeededGenerator(seed: UInt64(seed))
        self.maxChunk = Swift.max(1, maxChunk)
    }

    public mutating func next() -> ArraySlice<UInt8>? {
        guard offset < bytes.count else { return nil }
        let end = Swift.min(bytes.count, offset + Int.random(in: 1...maxChunk, using: &random))
        defer { offset = end }
        return bytes[offset..<end]
    }
}
