private import CQuantServeKernels

/// The instruction set the fp32 kernels (GELU, softmax, add + layer norm, activation
/// quantization) run on: C with AVX-512 or AVX2 + FMA, or the portable Swift SIMD code. Follows
/// `KernelPath.selected`, so `QUANTSERVE_KERNEL_PATH` forces both.
public enum FloatKernelPath: String, Sendable, CaseIterable {
    /// 16 lanes, opmask tails (AVX-512 F and BW).
    case avx512
    /// 8 lanes with fused multiply-add (AVX2 + FMA).
    case avx2
    /// Swift SIMD8 for every CPU, aarch64 included: the twin the C variants are tested against.
    case portable

    /// Whether this CPU (and its operating system) can run the path.
    public var isSupported: Bool {
        switch self {
        case .avx512: Self.cpuHasAVX512FBW
        case .avx2: Self.cpuHasAVX2
        case .portable: true
        }
    }

    /// Stops with a clear message when this CPU cannot run the path (calling it would fault).
    func requireSupported() {
        precondition(isSupported, "the \(rawValue) fp32 kernels need an instruction set this CPU lacks")
    }

    /// The path of the int8 kernels' instruction set: avx512vnni → avx512; avxvnni, avx2 → avx2;
    /// portable → portable.
    public init(_ kernelPath: KernelPath) {
        switch kernelPath {
        case .avx512vnni: self = .avx512  // AVX-512 VNNI implies F and BW
        case .avxvnni, .avx2: self = .avx2
        case .portable: self = .portable
        }
    }

    /// The path used when none is given, derived from `KernelPath.selected`.
    public static let selected = FloatKernelPath(KernelPath.selected)

    private static let cpuHasAVX2 = qs_cpu_supports_avx2() != 0
    private static let cpuHasAVX512FBW = qs_cpu_supports_avx512_fbw() != 0
}
