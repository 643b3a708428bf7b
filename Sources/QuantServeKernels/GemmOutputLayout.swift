/// Where an int8 GEMM (`Int8Linear.apply`) stores output channel `n` of row `r`: row-major,
/// `r · rowStride + n`, or in column groups of `groupWidth` channels, each group a row-major
/// block of its own, `(n / groupWidth) · groupStride + r · rowStride + n % groupWidth`.
/// The grouped form lets a QKV projection write each attention head's queries, keys and values
/// head-major: a head's rows are then contiguous, which the attention kernels read at streaming
/// speed instead of one 128-byte piece every `3 · hidden` floats.
public struct GemmOutputLayout: Sendable, Equatable {
    /// Floats between consecutive rows (inside a group, when grouped).
    public let rowStride: Int
    /// Channels per group; nil: one row-major matrix.
    public let groupWidth: Int?
    /// Floats between the first elements of consecutive groups (0 when not grouped).
    public let groupStride: Int

    /// Row-major, rows `stride` floats apart.
    public static func rowMajor(stride: Int) -> GemmOutputLayout {
        precondition(stride > 0)
        return GemmOutputLayout(rowStride: stride, groupWidth: nil, groupStride: 0)
    }

    /// Groups of `width` channels, each a block of `rows` rows of `width` floats, one after the other.
    public static func grouped(width: Int, rows: Int) -> GemmOutputLayout {
        precondition(width > 0 && rows >= 0)
        return GemmOutputLayout(rowStride: width, groupWidth: width, groupStride: width * rows)
    }

    /// The offset of channel `channel` of row `row` from the output's base.
    @inline(__always)
    public func offset(row: Int, channel: Int) -> Int {
        guard let groupWidth else { return row * rowStride + channel }
        return channel / groupWidth * groupStride + row * rowStride + channel % groupWidth
    }

    /// Whether `channels` output channels fit this layout (rows at least as wide as the
    /// channels they hold, groups that divide them).
    func holds(channels: Int) -> Bool {
        guard let groupWidth else { return rowStride >= channels }
        return rowStride >= groupWidth && channels % groupWidth == 0
    }
}
