internal import CQuantServeKernels

/// The int8 weights of one linear layer `y = x·Wᵀ + b` (W is outFeatures × inFeatures,
/// symmetric int8 with one scale per output channel), packed once for one kernel path.
/// Activations are quantized per row (per token), asymmetric u8, at run time
/// (`ActivationQuantization`), into a reusable `QuantizedActivations`; products accumulate
/// exactly in int32, and the dequantization, zero-point correction (through precomputed
/// per-channel weight sums), bias and the optional `GemmEpilogue` (GELU, residual add) are fused
/// into the store, with the layer's fp32 `OutlierChannels` if it has any. Every path gives bit-identical integer products and dequantized outputs; the
/// GELU epilogue agrees across paths within a stated tolerance (Int8LinearEpilogueTests).
public final class Int8Linear: Sendable {
    /// Output channels (N).
    public let outFeatures: Int
    /// Input features (K).
    public let inFeatures: Int
    /// The instruction set the weights are packed for.
    public let path: KernelPath

    let kernel: GemmKernel
    /// K rounded up to whole k groups.
    let paddedInFeatures: Int
    /// Panels of `kernel.panelWidth` channels.
    let panelCount: Int
    /// Panel-major packed weights (int8, or int16 for the portable path; see `GemmKernel`).
    let packedWeights: AlignedBuffer
    /// Per channel, padded to whole panels: sum of the int8 weights, weight scale, bias (0 when none).
    let weightSums: AlignedBuffer
    let weightScales: AlignedBuffer
    let paddedBias: AlignedBuffer
    /// The outlier channels (empty for none) and their fp32 weight columns, each padded to whole
    /// panels (`outlierChannels.count × panelCount · panelWidth` floats).
    let outlierChannels: [Int]
    let outlierWeights: AlignedBuffer

    /// Packs `weights` (row-major, `outFeatures × inFeatures`) with their per-channel `scales`
    /// and optional `bias` for `path`, which this CPU must support, and the fp32 `outliers`
    /// channels added in the GEMM epilogue (not with a GELU epilogue).
    public convenience init(
        weights: [Int8], scales: [Float], bias: [Float]?, outFeatures: Int, inFeatures: Int,
        outliers: OutlierChannels? = nil, path: KernelPath = .selected
    ) {
        self.init(
            weights: weights, scales: scales, bias: bias, outFeatures: outFeatures, inFeatures: inFeatures,
            outliers: outliers, kernel: GemmKernel(path), path: path)
    }

    init(
        weights: [Int8], scales: [Float], bias: [Float]?, outFeatures: Int, inFeatures: Int,
        outliers: OutlierChannels? = nil, kernel: GemmKernel, path: KernelPath
    ) {
        precondition(outFeatures >= 0 && inFeatures >= 0)
        precondition(weights.count == outFeatures * inFeatures && scales.count == outFeatures)
        precondition(bias == nil || bias!.count == outFeatures)
        precondition(
            outliers.map { $0.outFeatures == outFeatures && $0.channels.last! < inFeatures } ?? true,
            "outlier channels outside the layer's \(inFeatures) inputs or for another output width")
        precondition(kernel.isSupported, "kernel path \(path) is not supported by this CPU")
        self.outFeatures = outFeatures
        self.inFeatures = inFeatures
        self.path = path
        self.kernel = kernel
        let group = kernel.groupSize
        let width = kernel.panelWidth
        let paddedInFeatures = (inFeatures + group - 1) / group * group
        let panelCount = (outFeatures + width - 1) / width
        let paddedChannels = panelCount * width
        self.paddedInFeatures = paddedInFeatures
        self.panelCount = panelCount
        packedWeights = AlignedBuffer(byteCount: paddedChannels * paddedInFeatures * kernel.weightBytes)
        weightSums = AlignedBuffer(byteCount: paddedChannels * 4)
        weightScales = AlignedBuffer(byteCount: paddedChannels * 4)
        paddedBias = AlignedBuffer(byteCount: paddedChannels * 4)

        outlierChannels = outliers?.channels ?? []
        outlierWeights = AlignedBuffer(byteCount: 4 * outlierChannels.count * paddedChannels)
        if let outliers, outFeatures > 0 {
            let columns = outlierWeights.typed(Float.self, count: outliers.count * paddedChannels)
            outliers.weights.withUnsafeBufferPointer { source in
                for index in 0..<outliers.count {
                    (columns + index * paddedChannels).update(
                        from: source.baseAddress! + index * outFeatures, count: outFeatures)
                }
            }
        }

        let groups = paddedInFeatures / group
        weights.withUnsafeBufferPointer { source in
            let sums = weightSums.typed(Int32.self, count: paddedChannels)
            let packed = packedWeights.base
            for channel in 0..<outFeatures {
                let panel = channel / width
                let lane = channel % width
                var sum: Int32 = 0
                for k in 0..<inFeatures {
                    let value = source[channel * inFeatures + k]
                    sum += Int32(value)
                    let offset = ((panel * groups + k / group) * width + lane) * group + k % group
                    if kernel.weightBytes == 2 {
                        packed.storeBytes(of: Int16(value), toByteOffset: 2 * offset, as: Int16.self)
                    } else {
                        packed.storeBytes(of: value, toByteOffset: offset, as: Int8.self)
                    }
                }
                sums[channel] = sum
            }
        }
        weightScales.typed(Float.self, count: paddedChannels).update(from: scales, count: outFeatures)
        if let bias {
            paddedBias.typed(Float.self, count: paddedChannels).update(from: bias, count: outFeatures)
        }
    }

    /// Bytes held by the packed weights, weight sums, scales, bias and outlier weight columns.
    public var memoryBytes: Int {
        packedWeights.byteCount + weightSums.byteCount + weightScales.byteCount + paddedBias.byteCount
            + outlierWeights.byteCount + 8 * outlierChannels.count
    }

    /// `output[rows × outFeatures] = dequantize(quantize(input[rows × inFeatures]) · Wᵀ) + bias`,
    /// split over `pool`'s threads (by row blocks and channel panels) when one is given. Scratch
    /// memory is per call, so several threads may apply the same layer at once. The same as
    /// `quantize(_:rows:into:precise:multiplier:pool:)` followed by `apply(quantized:...)`, which callers
    /// running a whole model use instead to reuse the quantized buffer and fuse epilogues.
    ///
    /// `preciseActivations` quantizes each row to 16 bits instead of 8 (scale `(max - min) / 65535`),
    /// for layers whose activations need the precision (the FFN down projection). The high and
    /// low bytes run through the same u8 kernels as two rows and are combined exactly in int64
    /// before the epilogue, so it costs about twice the 8-bit time and stays bit-identical
    /// across paths.
    public func apply(
        _ input: UnsafePointer<Float>, rows: Int, output: UnsafeMutablePointer<Float>,
        pool: ComputePool? = nil, preciseActivations: Bool = false
    ) {
        guard rows > 0, outFeatures > 0 else { return }
        let activations = QuantizedActivations()
        quantize(input, rows: rows, into: activations, precise: preciseActivations, pool: pool)
        apply(quantized: activations, output: output, pool: pool)
    }

    /// Quantizes `rows` rows of `input` (`inFeatures` floats each, contiguous) per token into
    /// `activations`, in this layer's layout: the set then holds exactly these rows and can feed
    /// every layer with the same `inFeatures`, kernel path and outlier channels (whose fp32 values
    /// it gathers, as given: the multiplier applies to the quantized values only). `precise` quantizes to 16 bits
    /// (see `apply(_:rows:output:pool:preciseActivations:)`). A `multiplier` (`inFeatures`
    /// factors, SmoothQuant smoothing) quantizes `input[c] * multiplier[c]` without writing the
    /// product anywhere. With a `pool` the rows are split over its threads; without one the
    /// calling thread does all of it.
    public func quantize(
        _ input: UnsafePointer<Float>, rows: Int, into activations: QuantizedActivations,
        precise: Bool = false, multiplier: UnsafePointer<Float>? = nil, pool: ComputePool? = nil
    ) {
        precondition(rows >= 0)
        activations.reshape(
            rows: rows, paddedFeatures: paddedInFeatures, elementBytes: kernel.activationBytes,
            precise: precise, outlierChannels: outlierChannels)
        gatherOutliers(input, rows: 0..<rows, into: activations)
        let threads = pool?.threadCount ?? 1
        let chunks = rows * inFeatures >= 1 << 14 ? min(rows, 4 * threads) : 1
        let (inFeatures, paddedInFeatures, elementBytes) = (inFeatures, paddedInFeatures, kernel.activationBytes)
        let (destination, scales, zeroPoints) = (activations.base, activations.scales, activations.zeroPoints)
        Self.forEach(chunks, pool: pool) { chunk in
            ActivationQuantizer.quantize(
                input, inFeatures: inFeatures, rows: rows * chunk / chunks..<rows * (chunk + 1) / chunks,
                into: destination, paddedFeatures: paddedInFeatures, elementBytes: elementBytes, precise: precise,
                scales: scales, zeroPoints: zeroPoints, multiplier: multiplier)
        }
    }

    /// Runs the quantized `rows` of `activations` (all of them when nil) through this layer:
    /// for each row `r` of `rows` and channel `n`,
    /// `result = dequantize(activations[r] · W[n]) + bias[n]`, then the `epilogue` (GELU,
    /// accumulate), stored at `output[outputLayout.offset(row: r, channel: n)]`. `output` is row 0
    /// of the activations' rows, so a row range writes the matching output rows. The layout
    /// (default: row-major, `outFeatures` floats per row) lets the output be a slice of a wider
    /// buffer, or column groups (whole panels of `kernel`, dividing `outFeatures`) stored apart.
    /// With `.accumulate` the output must hold the values to add to (the residual).
    ///
    /// With `pool: nil` everything runs on the calling thread: the form for a caller that
    /// already gives each core its own row block (and its own `QuantizedActivations`). With a
    /// pool the rows × panels are cut into even tasks over its threads (`GemmPlan`).
    /// `activations` must come from `quantize(_:rows:into:precise:multiplier:pool:)` of a layer with the
    /// same `inFeatures` and kernel path. Several threads may apply at once, on the same
    /// activations too, as long as their output rows do not overlap.
    public func apply(
        quantized activations: QuantizedActivations, rows: Range<Int>? = nil,
        output: UnsafeMutablePointer<Float>, outputLayout: GemmOutputLayout? = nil,
        epilogue: GemmEpilogue = [], pool: ComputePool? = nil
    ) {
        let rows = rows ?? 0..<activations.rows
        let layout = outputLayout ?? .rowMajor(stride: outFeatures)
        precondition(
            activations.paddedFeatures == paddedInFeatures && activations.elementBytes == kernel.activationBytes,
            "activations quantized for another input width or kernel path")
        precondition(
            rows.lowerBound >= 0 && rows.upperBound <= activations.rows, "rows \(rows) out of 0..<\(activations.rows)")
        precondition(canStore(layout), "output layout \(layout) cannot hold \(outFeatures) channels of this kernel")
        precondition(activations.outlierChannels == outlierChannels, "activations gathered for other outlier channels")
        precondition(
            outlierChannels.isEmpty || !epilogue.contains(.gelu), "outlier channels are not supported under GELU")
        guard !rows.isEmpty, outFeatures > 0 else { return }
        let precise = activations.isPrecise
        let tokenCount = rows.count
        let kernelRows = precise ? 2 * tokenCount : tokenCount
        let firstKernelRow = precise ? 2 * rows.lowerBound : rows.lowerBound
        let rawProducts = precise ? AlignedBuffer(byteCount: kernelRows * outFeatures * 4, zeroed: false) : nil
        let scales = activations.scales + rows.lowerBound
        let zeroPoints = activations.zeroPoints + rows.lowerBound
        let rowOutput = output + rows.lowerBound * layout.rowStride
        let paddedChannels = panelCount * kernel.panelWidth
        let outlierValues = activations.outlierValues + rows.lowerBound * outlierChannels.count
        let template = qs_gemm_block(
            activations: UnsafeRawPointer(activations.base + firstKernelRow * activations.kernelRowBytes),
            activation_stride: paddedInFeatures / kernel.groupSize,
            row_scales: scales, row_zero_points: zeroPoints,
            packed_weights: UnsafeRawPointer(packedWeights.base), k_groups: paddedInFeatures / kernel.groupSize,
            weight_sums: weightSums.typed(Int32.self, count: paddedChannels),
            weight_scales: weightScales.typed(Float.self, count: paddedChannels),
            bias: paddedBias.typed(Float.self, count: paddedChannels),
            output: rowOutput, raw_output: rawProducts?.typed(Int32.self, count: kernelRows * outFeatures),
            output_stride: precise ? outFeatures : layout.rowStride,
            output_group_width: precise ? 0 : layout.groupWidth ?? 0, output_group_stride: layout.groupStride,
            epilogue: epilogue.rawValue,
            outlier_count: outlierChannels.count, outlier_values: outlierValues,
            outlier_weights: outlierWeights.typed(Float.self, count: outlierChannels.count * paddedChannels),
            outlier_weight_stride: paddedChannels, n: outFeatures,
            row_begin: 0, row_end: kernelRows, panel_begin: 0, panel_end: panelCount)
        let kernel = kernel
        if let pool, pool.threadCount > 1 {
            let plan = GemmPlan(
                rows: kernelRows, tileRows: kernel.tileRows, panels: panelCount, threads: pool.threadCount,
                operationsPerRowAndPanel: 2 * kernel.panelWidth * paddedInFeatures)
            pool.parallelFor(plan.taskCount) { task in
                var block = template
                let (rowRange, panelRange) = plan.task(task)
                block.row_begin = rowRange.lowerBound
                block.row_end = rowRange.upperBound
                block.panel_begin = panelRange.lowerBound
                block.panel_end = panelRange.upperBound
                kernel.run(&block)
            }
        } else {
            var block = template
            kernel.run(&block)
        }

        if let rawProducts {
            let products = rawProducts.typed(Int32.self, count: kernelRows * outFeatures)
            let chunks = pool.map { min(tokenCount, 4 * $0.threadCount) } ?? 1
            Self.forEach(chunks, pool: pool) { chunk in
                combinePlanes(
                    products, rows: tokenCount * chunk / chunks..<tokenCount * (chunk + 1) / chunks,
                    scales: scales, zeroPoints: zeroPoints, outlierValues: outlierValues, output: rowOutput,
                    layout: layout, epilogue: epilogue)
            }
        }
        withExtendedLifetime((activations, rawProducts)) {}
    }

    /// Whether `apply` can write this layer's output in `layout`: rows wide enough, and column
    /// groups (if any) that divide `outFeatures` and are whole panels of the kernel, so no tile
    /// straddles two groups.
    public func canStore(_ layout: GemmOutputLayout) -> Bool {
        layout.holds(channels: outFeatures) && (layout.groupWidth ?? 0) % kernel.panelWidth == 0
    }

    /// The epilogue of precise activations: `Σq·w = 256·Σhigh·w + Σlow·w` in int64, less the
    /// zero point times the weight sum, then the 8-bit path's fused multiply-adds (dequantization
    /// and bias, the outlier channels) and `epilogue`.
    /// Each token's results are staged in place of its high-plane products (read before written).
    private func combinePlanes(
        _ products: UnsafeMutablePointer<Int32>, rows: Range<Int>, scales: UnsafePointer<Float>,
        zeroPoints: UnsafePointer<Int32>, outlierValues: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>,
        layout: GemmOutputLayout, epilogue: GemmEpilogue
    ) {
        let paddedChannels = panelCount * kernel.panelWidth
        let outliers = outlierChannels.count
        let outlierColumns = outlierWeights.typed(Float.self, count: outliers * paddedChannels)
        let sums = weightSums.typed(Int32.self, count: paddedChannels)
        let channelScales = weightScales.typed(Float.self, count: paddedChannels)
        let bias = paddedBias.typed(Float.self, count: paddedChannels)
        for row in rows {
            let high = products + 2 * row * outFeatures
            let low = high + outFeatures
            let staging = UnsafeMutableRawPointer(high)
            let zeroPoint = Int64(zeroPoints[row])
            for channel in 0..<outFeatures {
                let dot = Int64(high[channel]) << 8 + Int64(low[channel])
                let exact = Float(dot - zeroPoint * Int64(sums[channel]))
                var result = bias[channel].addingProduct(exact, scales[row] * channelScales[channel])
                for outlier in 0..<outliers {
                    result.addProduct(
                        outlierValues[row * outliers + outlier], outlierColumns[outlier * paddedChannels + channel])
                }
                staging.storeBytes(of: result, toByteOffset: 4 * channel, as: Float.self)
            }
            high.withMemoryRebound(to: Float.self, capacity: outFeatures) { results in
                if epilogue.contains(.gelu) { VectorMath.map(results, count: outFeatures, VectorMath.gelu) }
                // Runs of channels contiguous in the output: whole rows, or one group's share of a row.
                let run = layout.groupWidth ?? outFeatures
                for first in stride(from: 0, to: outFeatures, by: run) {
                    let destination = output + layout.offset(row: row, channel: first)
                    if epilogue.contains(.accumulate) {
                        for channel in 0..<run { destination[channel] += results[first + channel] }
                    } else {
                        destination.update(from: results + first, count: run)
                    }
                }
            }
        }
    }

    /// Gathers the fp32 values of `rows` of `input` (`inFeatures` floats each) at this layer's
    /// outlier channels into `activations`, already shaped for them.
    func gatherOutliers(_ input: UnsafePointer<Float>, rows: Range<Int>, into activations: QuantizedActivations) {
        let count = outlierChannels.count
        guard count > 0 else { return }
        let values = activations.outlierValues
        outlierChannels.withUnsafeBufferPointer { channels in
            for row in rows {
                for index in 0..<count { values[row * count + index] = input[row * inFeatures + channels[index]] }
            }
        }
    }

    /// Runs `body` for `0..<count` on the pool, or inline without one.
    static func forEach(_ count: Int, pool: ComputePool?, _ body: (Int) -> Void) {
        if let pool, count > 1 {
            pool.parallelFor(count, body)
        } else {
            for index in 0..<count { body(index) }
        }
    }
}
