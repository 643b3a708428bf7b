/// Token sequences concatenated without padding, with cumulative offsets: sequence `i` is
/// `tokenIds[offsets[i]..<offsets[i + 1]]`.
public struct PackedBatch: Sendable, Equatable {
    /// Every sequence's token ids, one after another.
    public let tokenIds: [UInt32]
    /// `count + 1` cumulative offsets into `tokenIds`, starting at 0.
    public let offsets: [Int]

    /// Packs `sequences` in order.
    public init(_ sequences: [[UInt32]]) {
        var offsets = [0]
        offsets.reserveCapacity(sequences.count + 1)
        for sequence in sequences { offsets.append(offsets[offsets.count - 1] + sequence.count) }
        self.tokenIds = Array(sequences.joined())
        self.offsets = offsets
    }

    /// The number of sequences.
    public var count: Int { offsets.count - 1 }
    /// The number of tokens in all sequences.
    public var tokenCount: Int { tokenIds.count }
    /// The token range of sequence `index`.
    public func range(of index: Int) -> Range<Int> { offsets[index]..<offsets[index + 1] }
    /// Each token's position inside its own sequence.
    public var positions: [Int] {
        var positions = [Int](repeating: 0, count: tokenCount)
        for index in 0..<count {
            let range = range(of: index)
            for token in range { positions[token] = token - range.lowerBound }
        }
        return positions
    }
    /// The length of the longest sequence (0 for an empty batch).
    public var longestSequence: Int { (0..<count).map { range(of: $0).count }.max() ?? 0 }
}
