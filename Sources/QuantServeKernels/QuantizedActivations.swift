/// Rows of activations already quantized for the int8 GEMM, in the layout its kernel reads:
/// one kernel row per token (two in precise mode: the high and the low bytes of 16-bit values),
/// `paddedFeatures` values of `elementBytes` bytes each (the layer's K rounded up to whole k
/// groups, zero-filled), with each token's scale and zero point, and its fp32 values at the
/// layer's outlier channels (`OutlierChannels`), if it has any.
///
/// Fill it with `Int8Linear.quantize(_:rows:into:)`, then run any number of layers with the same
/// input width and outlier channels on it with
/// `Int8Linear.apply(quantized:rows:output:outputStride:epilogue:pool:)`.
/// It owns aligned buffers that grow to the largest size asked and are reused after that, so
/// one instance per thread of work (or per row block) makes the steady state allocation-free.
/// Not thread-safe while being filled; any number of `apply` calls may read it at once.
///
/// One encoder layer's FFN on one core's row block of tokens (`hidden` holds the block's rows):
/// ```swift
/// up.quantize(hidden, rows: tokens, into: activations)
/// up.apply(quantized: activations, output: inner, epilogue: .gelu)              // inner = GELU(x·W₁ᵀ + b₁)
/// down.quantize(inner, rows: tokens, into: activations)
/// down.apply(quantized: activations, output: hidden, epilogue: .accumulate)      // hidden += inner·W₂ᵀ + b₂
/// ```
public final class QuantizedActivations: @unchecked Sendable {
    /// Tokens held.
    public private(set) var rows = 0
    /// Values per kernel row: the input width rounded up to whole k groups of the kernel.
    public private(set) var paddedFeatures = 0
    /// Bytes per stored value: 1 (u8, VNNI byte quads) or 2 (u8 widened to int16 pairs).
    public private(set) var elementBytes = 1
    /// Whether each token holds two kernel rows (16-bit precise activations).
    public private(set) var isPrecise = false
    /// The input channels whose fp32 values are held beside the quantized rows (`outlierValues`).
    public private(set) var outlierChannels: [Int] = []

    private var values: AlignedBuffer
    private var tokenScales: AlignedBuffer
    private var tokenZeroPoints: AlignedBuffer
    private var tokenOutliers = AlignedBuffer(byteCount: 0)

    /// An empty set, with room for `rows` tokens of `features` values reserved up front (the
    /// buffers grow later if needed).
    public init(reservingRows rows: Int = 0, features: Int = 0) {
        values = AlignedBuffer(byteCount: 2 * max(rows, 0) * max(features, 0), zeroed: false)
        tokenScales = AlignedBuffer(byteCount: 4 * max(rows, 0), zeroed: false)
        tokenZeroPoints = AlignedBuffer(byteCount: 4 * max(rows, 0), zeroed: false)
    }

    /// Kernel rows held: `rows`, or twice that in precise mode.
    var kernelRows: Int { isPrecise ? 2 * rows : rows }

    /// Bytes from one kernel row to the next.
    var kernelRowBytes: Int { paddedFeatures * elementBytes }

    /// Sets the layout for `rows` tokens, growing the buffers when they are too small; the
    /// contents are undefined until the caller writes them.
    func reshape(rows: Int, paddedFeatures: Int, elementBytes: Int, precise: Bool, outlierChannels: [Int] = []) {
        self.rows = rows
        self.paddedFeatures = paddedFeatures
        self.elementBytes = elementBytes
        isPrecise = precise
        self.outlierChannels = outlierChannels
        let outlierBytes = 4 * rows * outlierChannels.count
        if tokenOutliers.byteCount < outlierBytes {
            tokenOutliers = AlignedBuffer(byteCount: outlierBytes, zeroed: false)
        }
        let valueBytes = kernelRows * kernelRowBytes
        if values.byteCount < valueBytes { values = AlignedBuffer(byteCount: valueBytes, zeroed: false) }
        if tokenScales.byteCount < 4 * rows {
            tokenScales = AlignedBuffer(byteCount: 4 * rows, zeroed: false)
            tokenZeroPoints = AlignedBuffer(byteCount: 4 * rows, zeroed: false)
        }
    }

    /// Start of the quantized values, kernel row after kernel row.
    var base: UnsafeMutableRawPointer { values.base }
    /// Each token's scale.
    var scales: UnsafeMutablePointer<Float> { tokenScales.typed(Float.self, count: rows) }
    /// Each token's zero point.
    var zeroPoints: UnsafeMutablePointer<Int32> { tokenZeroPoints.typed(Int32.self, count: rows) }
    /// Each token's fp32 inputs at the outlier channels: `outlierChannels.count` floats per token.
    var outlierValues: UnsafeMutablePointer<Float> {
        tokenOutliers.typed(Float.self, count: rows * outlierChannels.count)
    }
}
