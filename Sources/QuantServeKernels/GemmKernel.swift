internal import CQuantServeKernels

/// The integer kernel behind a `KernelPath`, with the data layout it consumes: weights packed
/// in panels of `panelWidth` channels, k values grouped `groupSize` at a time (int8 pairs or
/// quads; int16 pairs for the portable path), activations in the same grouping as 32-bit
/// words (two u8 values widened to int16, or four bytes).
enum GemmKernel: Sendable {
    /// x86 AVX2, `qs_gemm_s16_avx2`: int16 activation pairs, int8 weight pairs, `vpmaddwd`.
    case avx2
    /// x86 AVX-VNNI, `qs_gemm_u8s8_avxvnni`: byte quads, 256-bit `vpdpbusd`.
    case avxvnni
    /// x86 AVX-512 VNNI, `qs_gemm_u8s8_avx512vnni`: byte quads, 512-bit `vpdpbusd`.
    case avx512vnni
    /// The VNNI layout and C driver on AVX2 with an emulated `vpdpbusd`; for tests only.
    case vnniEmulatedOnAVX2
    /// Swift SIMD over int16 pairs, the same layout as `avx2`.
    case portable

    init(_ path: KernelPath) {
        switch path {
        case .avx512vnni: self = .avx512vnni
        case .avxvnni: self = .avxvnni
        case .avx2: self = .avx2
        case .portable: self = .portable
        }
    }

    /// Whether this CPU can run the kernel.
    var isSupported: Bool {
        switch self {
        case .avx2, .vnniEmulatedOnAVX2: KernelPath.avx2.isSupported
        case .avxvnni: KernelPath.avxvnni.isSupported
        case .avx512vnni: KernelPath.avx512vnni.isSupported
        case .portable: true
        }
    }

    /// Channels per packed weight panel.
    var panelWidth: Int {
        switch self {
        case .avx2: Int(QS_AVX2_NR)
        case .avxvnni: Int(QS_AVXVNNI_NR)
        case .avx512vnni: Int(QS_AVX512VNNI_NR)
        case .vnniEmulatedOnAVX2: Int(QS_VNNI_EMULATED_NR)
        case .portable: PortableGemm.panelWidth
        }
    }

    /// Rows per micro-tile: row blocks are multiples of it.
    var tileRows: Int {
        switch self {
        case .avx2: Int(QS_AVX2_MR)
        case .avxvnni: Int(QS_AVXVNNI_MR)
        case .avx512vnni: Int(QS_AVX512VNNI_MR)
        case .vnniEmulatedOnAVX2: Int(QS_VNNI_EMULATED_MR)
        case .portable: PortableGemm.tileRows
        }
    }

    /// Whether activations are stored as int16 (pairs per 32-bit group) rather than bytes (quads).
    var usesInt16Activations: Bool {
        switch self {
        case .avx2, .portable: true
        case .avxvnni, .avx512vnni, .vnniEmulatedOnAVX2: false
        }
    }

    /// k values per 32-bit activation group.
    var groupSize: Int { usesInt16Activations ? 2 : 4 }

    /// Bytes per stored activation value.
    var activationBytes: Int { usesInt16Activations ? 2 : 1 }

    /// Bytes per packed weight: int8, except the portable path's int16 (AVX2 sign-extends its
    /// int8 weights as it loads them).
    var weightBytes: Int { self == .portable ? 2 : 1 }

    /// Runs one block (rows × panels) of the GEMM with its fused epilogue.
    func run(_ block: UnsafePointer<qs_gemm_block>) {
        switch self {
        case .avx2: qs_gemm_s16_avx2(block)
        case .avxvnni: qs_gemm_u8s8_avxvnni(block)
        case .avx512vnni: qs_gemm_u8s8_avx512vnni(block)
        case .vnniEmulatedOnAVX2: qs_gemm_u8s8_vnni_emulated_avx2(block)
        case .portable: PortableGemm.run(block)
        }
    }
}
