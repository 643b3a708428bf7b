internal import CQuantServeKernels

/// The portable int8 GEMM in Swift SIMD, for CPUs without an x86 path (aarch64 included).
/// Same layout as AVX2: activations and weights as int16 pairs; each product of a u8 value and
/// an int8 weight fits in int16 (|255 · -128| < 2¹⁵), so `SIMD32<Int16>` products widened and
/// summed into `SIMD16<Int32>` are exact.
enum PortableGemm {
    /// Channels per packed panel.
    static let panelWidth = 16
    /// Rows per micro-tile.
    static let tileRows = 4

    /// Runs one block in the C drivers' order (row tiles outside, panels inside), with their
    /// epilogue: fused multiply-add, outlier channels, GELU and accumulate options, or the raw int32 products when
    /// `raw_output` is set.
    static func run(_ block: UnsafePointer<qs_gemm_block>) {
        let block = block.pointee
        var row = Int(block.row_begin)
        while row < Int(block.row_end) {
            let rows = min(tileRows, Int(block.row_end) - row)
            for panel in block.panel_begin..<block.panel_end {
                tile(block, row: row, rows: rows, panel: Int(panel))
            }
            row += rows
        }
    }

    private typealias Accumulator = SIMD16<Int32>

    /// Where channel `channel` of row `row` goes: `qs_gemm_block`'s row-major or column-group layout.
    @inline(__always)
    private static func outputOffset(_ block: qs_gemm_block, row: Int, channel: Int) -> Int {
        GemmOutputLayout(
            rowStride: Int(block.output_stride),
            groupWidth: block.output_group_width > 0 ? Int(block.output_group_width) : nil,
            groupStride: Int(block.output_group_stride)
        ).offset(row: row, channel: channel)
    }

    /// Four rows (the missing ones repeat the last real row and are not stored) by one panel.
    @inline(__always)
    private static func tile(_ block: qs_gemm_block, row: Int, rows: Int, panel: Int) {
        let groups = Int(block.k_groups)
        let stride = Int(block.activation_stride) * 4
        let activations = UnsafeRawPointer(block.activations!) + row * stride
        let row0 = activations
        let row1 = activations + min(1, rows - 1) * stride
        let row2 = activations + min(2, rows - 1) * stride
        let row3 = activations + min(3, rows - 1) * stride
        let weights = UnsafeRawPointer(block.packed_weights!) + panel * groups * panelWidth * 4
        var acc0 = Accumulator()
        var acc1 = Accumulator()
        var acc2 = Accumulator()
        var acc3 = Accumulator()
        for group in 0..<groups {
            let w = weights.loadUnaligned(fromByteOffset: group * panelWidth * 4, as: SIMD32<Int16>.self)
            acc0 &+= pairDots(row0.loadUnaligned(fromByteOffset: group * 4, as: UInt32.self), w)
            acc1 &+= pairDots(row1.loadUnaligned(fromByteOffset: group * 4, as: UInt32.self), w)
            acc2 &+= pairDots(row2.loadUnaligned(fromByteOffset: group * 4, as: UInt32.self), w)
            acc3 &+= pairDots(row3.loadUnaligned(fromByteOffset: group * 4, as: UInt32.self), w)
        }
        let channel = panel * panelWidth
        let valid = min(panelWidth, Int(block.n) - channel)
        guard valid > 0 else { return }
        if let raw = block.raw_output {
            for r in 0..<rows {
                let accumulator = r == 0 ? acc0 : r == 1 ? acc1 : r == 2 ? acc2 : acc3
                let out = raw + (row + r) * Int(block.output_stride) + channel
                for i in 0..<valid { out[i] = accumulator[i] }
            }
            return
        }
        let gelu = block.epilogue & QS_EPILOGUE_GELU != 0
        let accumulate = block.epilogue & QS_EPILOGUE_ACCUMULATE != 0
        let weightSums = UnsafeRawPointer(block.weight_sums!).loadUnaligned(
            fromByteOffset: channel * 4, as: Accumulator.self)
        let weightScales = UnsafeRawPointer(block.weight_scales!).loadUnaligned(
            fromByteOffset: channel * 4, as: SIMD16<Float>.self)
        let bias = UnsafeRawPointer(block.bias!).loadUnaligned(fromByteOffset: channel * 4, as: SIMD16<Float>.self)
        for r in 0..<rows {
            let zeroPoint = Accumulator(repeating: block.row_zero_points![row + r])
            let scale = SIMD16<Float>(repeating: block.row_scales![row + r]) * weightScales
            let accumulator = r == 0 ? acc0 : r == 1 ? acc1 : r == 2 ? acc2 : acc3
            let exact = SIMD16<Float>(accumulator &- zeroPoint &* weightSums)
            var result = bias.addingProduct(exact, scale)
            for outlier in 0..<Int(block.outlier_count) {
                let value = block.outlier_values![(row + r) * Int(block.outlier_count) + outlier]
                let weights = UnsafeRawPointer(block.outlier_weights! + outlier * Int(block.outlier_weight_stride))
                result = result.addingProduct(
                    SIMD16(repeating: value), weights.loadUnaligned(fromByteOffset: channel * 4, as: SIMD16<Float>.self)
                )
            }
            if gelu {
                result = SIMD16(lowHalf: VectorMath.gelu(result.lowHalf), highHalf: VectorMath.gelu(result.highHalf))
            }
            let out = block.output! + outputOffset(block, row: row + r, channel: channel)
            if valid == panelWidth {
                if accumulate { result += UnsafeRawPointer(out).loadUnaligned(as: SIMD16<Float>.self) }
                UnsafeMutableRawPointer(out).storeBytes(of: result, as: SIMD16<Float>.self)
            } else {
                for i in 0..<valid { out[i] = accumulate ? out[i] + result[i] : result[i] }
            }
        }
    }

    /// For 16 channels: a₀·w₀ + a₁·w₁, the pair `a` broadcast against each channel's weight pair.
    /// Each 32-bit lane of the int16 products holds (a₁·w₁ << 16) | (a₀·w₀ & 0xFFFF); arithmetic
    /// shifts sign-extend both halves (plain shifts vectorize on every target, unlike conversions).
    @inline(__always)
    private static func pairDots(_ pair: UInt32, _ weights: SIMD32<Int16>) -> Accumulator {
        let broadcast = unsafeBitCast(SIMD16<UInt32>(repeating: pair), to: SIMD32<Int16>.self)
        let products = unsafeBitCast(broadcast &* weights, to: Accumulator.self)
        return ((products &<< 16) &>> 16) &+ (products &>> 16)
    }
}
