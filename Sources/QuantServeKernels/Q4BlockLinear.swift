internal import CQuantServeKernels

/// A linear layer `y = x·Wᵀ` whose weights stay 4-bit in memory, as ggml's Q4_1 blocks (32 weights
/// `d·q + m` with q in 0..15 and fp16 `d`, `m`), for decode steps of a few tokens: such a step
/// reads every weight once and is bound by that read, so 0.625 bytes per weight instead of the
/// int8 GEMM's 1 makes it faster (and the products use the file's own weights, not an int8
/// re-quantization of them). Activations are quantized per 32-value block to symmetric int8
/// (`Q8BlockActivations`); products accumulate exactly in int32 per block, then in fp32 in a fixed
/// order that every kernel path follows, so all paths give bit-identical results (CQ4Gemv.h).
/// Wider batches (prefill) belong to the int8 GEMM (`Int8Linear`), which is compute-efficient.
public final class Q4BlockLinear: Sendable {
    /// The instruction set of one 4-bit kernel.
    public enum Kernel: String, Sendable, CaseIterable {
        /// `vpdpbusd` on 512-bit registers.
        case avx512vnni
        /// `vpmaddubsw` + `vpmaddwd` on 256-bit registers.
        case avx2
        /// Plain C, any CPU: the twin the others are tested against.
        case portable

        /// The kernel for an int8 kernel path: AVX-512 VNNI → avx512vnni, AVX-VNNI and AVX2 → avx2.
        public init(_ path: KernelPath) {
            switch path {
            case .avx512vnni: self = .avx512vnni
            case .avxvnni, .avx2: self = .avx2
            case .portable: self = .portable
            }
        }

        /// Whether this CPU can run the kernel.
        public var isSupported: Bool {
            switch self {
            case .avx512vnni: KernelPath.avx512vnni.isSupported
            case .avx2: KernelPath.avx2.isSupported
            case .portable: true
            }
        }

        func run(_ job: UnsafePointer<qs_q4_gemv>) {
            switch self {
            case .avx512vnni: qs_q4_gemv_avx512vnni(job)
            case .avx2: qs_q4_gemv_avx2(job)
            case .portable: qs_q4_gemv_portable(job)
            }
        }
    }

    /// Values per block (of weights and activations).
    public static let blockValues = Int(QS_Q4_BLOCK)
    /// Bytes of one ggml Q4_1 block: fp16 d, fp16 m, 16 bytes of nibbles.
    public static let q4_1BlockBytes = 20

    /// Output channels (N).
    public let outFeatures: Int
    /// Input features (K, a multiple of 32).
    public let inFeatures: Int
    /// The kernel that runs the products.
    public let kernel: Kernel
    let blocks: Int
    let panelCount: Int
    /// Panel-major packed weights (layout in CQ4Gemv.h).
    let packedWeights: AlignedBuffer

    /// Packs `q4_1` (ggml's Q4_1 bytes of an `outFeatures × inFeatures` matrix, row after row)
    /// for `kernel`, which this CPU must support.
    public init(q4_1: UnsafeRawBufferPointer, outFeatures: Int, inFeatures: Int, kernel: Kernel) {
        precondition(inFeatures > 0 && inFeatures % Self.blockValues == 0 && outFeatures > 0)
        let blocks = inFeatures / Self.blockValues
        precondition(q4_1.count == outFeatures * blocks * Self.q4_1BlockBytes, "Q4_1 bytes do not match the shape")
        precondition(kernel.isSupported, "the \(kernel) 4-bit kernel needs an instruction set this CPU lacks")
        self.outFeatures = outFeatures
        self.inFeatures = inFeatures
        self.kernel = kernel
        self.blocks = blocks
        let panel = Int(QS_Q4_PANEL)
        let panelBytes = Int(QS_Q4_PANEL_BLOCK_BYTES)
        panelCount = (outFeatures + panel - 1) / panel
        packedWeights = AlignedBuffer(byteCount: panelCount * blocks * panelBytes)
        let packed = packedWeights.base
        for channel in 0..<outFeatures {
            let (panelIndex, lane) = channel.quotientAndRemainder(dividingBy: panel)
            for block in 0..<blocks {
                let source = (channel * blocks + block) * Self.q4_1BlockBytes
                let target = (panelIndex * blocks + block) * panelBytes
                // d and m: fp16 bit patterns, copied as they are.
                for half in 0..<2 {
                    for byte in 0..<2 {
                        packed.storeBytes(
                            of: q4_1[source + 2 * half + byte],
                            toByteOffset: target + 256 + 32 * half + 2 * lane + byte, as: UInt8.self)
                    }
                }
                // ggml: byte j holds q[j] (low nibble) and q[j + 16] (high nibble), j < 16; the
                // panel's vector v, lane c, byte i holds q[4v + i] and q[16 + 4v + i]: the same pairs.
                for j in 0..<16 {
                    let (v, i) = j.quotientAndRemainder(dividingBy: 4)
                    packed.storeBytes(
                        of: q4_1[source + 4 + j], toByteOffset: target + 64 * v + 4 * lane + i, as: UInt8.self)
                }
            }
        }
    }

    /// Bytes held by the packed weights.
    public var memoryBytes: Int { packedWeights.byteCount }

    /// `output[r * outputStride + n] (+)= Σ_k x[r][k] · W[n][k]` for the quantized rows of
    /// `activations` (quantized for this `inFeatures`), adding to the output with `accumulate`.
    /// With a pool the panels are split over its threads.
    public func apply(
        _ activations: Q8BlockActivations, output: UnsafeMutablePointer<Float>, outputStride: Int? = nil,
        accumulate: Bool = false, pool: ComputePool? = nil
    ) {
        precondition(activations.features == inFeatures, "activations quantized for another input width")
        let outputStride = outputStride ?? outFeatures
        precondition(outputStride >= outFeatures)
        guard activations.rows > 0 else { return }
        let template = qs_q4_gemv(
            weights: packedWeights.base.assumingMemoryBound(to: UInt8.self), blocks: blocks,
            activations: activations.values, scales: activations.scales, sums: activations.sums,
            rows: activations.rows, output: output, output_stride: outputStride, n: outFeatures,
            panel_begin: 0, panel_end: panelCount, accumulate: accumulate ? 1 : 0)
        let kernel = kernel
        let tasks = min(panelCount, 8 * (pool?.threadCount ?? 1))
        if let pool, pool.threadCount > 1, tasks > 1 {
            let panelCount = panelCount
            pool.parallelFor(tasks) { task in
                var job = template
                job.panel_begin = panelCount * task / tasks
                job.panel_end = panelCount * (task + 1) / tasks
                kernel.run(&job)
            }
        } else {
            var job = template
            kernel.run(&job)
        }
        withExtendedLifetime(activations) {}
    }
}

/// Rows of activations quantized per 32-value block to symmetric int8 for `Q4BlockLinear`: per
/// block a scale (max |x| / 127) and the scaled sum of its values. Reusable: `quantize` grows the
/// buffers to the largest shape seen.
public final class Q8BlockActivations: @unchecked Sendable {
    /// Quantized rows and the features of each.
    public private(set) var rows = 0
    public private(set) var features = 0
    private var storage = AlignedBuffer(byteCount: 64)
    private var capacity = 0
    /// Bytes of int8 values (rounded up to 64); the scales, then the sums, follow them.
    private var valueBytes = 0

    public init() {}

    var values: UnsafePointer<Int8> { UnsafePointer(storage.base.assumingMemoryBound(to: Int8.self)) }
    var scales: UnsafePointer<Float> { UnsafePointer((storage.base + valueBytes).assumingMemoryBound(to: Float.self)) }
    var sums: UnsafePointer<Float> { scales + rows * features / Q4BlockLinear.blockValues }

    /// Quantizes `rows` rows of `input` (`features` floats each, contiguous; a multiple of 32).
    public func quantize(_ input: UnsafePointer<Float>, rows: Int, features: Int) {
        precondition(rows >= 0 && features > 0 && features % Q4BlockLinear.blockValues == 0)
        let blocks = features / Q4BlockLinear.blockValues
        let valueBytes = (rows * features + 63) / 64 * 64
        let needed = valueBytes + 8 * rows * blocks
        if needed > capacity {
            storage = AlignedBuffer(byteCount: needed, zeroed: false)
            capacity = needed
        }
        self.rows = rows
        self.features = features
        self.valueBytes = valueBytes
        let values = storage.base.assumingMemoryBound(to: Int8.self)
        let scales = (storage.base + valueBytes).assumingMemoryBound(to: Float.self)
        let sums = scales + rows * blocks
        for row in 0..<rows {
            qs_q4_quantize_activations(
                input + row * features, features, values + row * features, scales + row * blocks,
                sums + row * blocks)
        }
    }
}
