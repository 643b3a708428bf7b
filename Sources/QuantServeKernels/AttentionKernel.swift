private import CQuantServeKernels
import Foundation

/// The kernel that computes attention's two products for one (sequence, head) call of
/// `Attention.head(…, kernel:)`: fp32 fused multiply-adds on a `FloatKernelPath`, or bf16
/// products (`vdpbf16ps`, AVX512_BF16) accumulated in fp32, twice the fp32 FMA's rate, with
/// queries, keys, values and probabilities rounded to bf16 (8 significant bits) and the scores,
/// softmax and sums kept in fp32.
public enum AttentionKernel: Sendable, Equatable {
    /// fp32 throughout (the C kernels or, on `.portable`, the Swift SIMD twin).
    case fp32(FloatKernelPath)
    /// bf16 products with fp32 accumulation, `qs_attention_head_bf16_avx512`.
    case bf16

    /// Whether this CPU (and its operating system) can run the kernel.
    public var isSupported: Bool {
        switch self {
        case let .fp32(path): path.isSupported
        case .bf16: Self.cpuHasAVX512BF16
        }
    }

    /// Sequences shorter than this keep the fp32 kernel even where bf16 is available: below
    /// about 48 tokens converting and transposing a head costs more than the products save
    /// (benchmarks/kernels/README.md, "bf16 attention").
    public static let bf16MinimumLength = 48

    /// Whether the encoder may use bf16 products: the CPU has AVX512_BF16, the fp32 kernels run
    /// their AVX-512 path, and `QUANTSERVE_ATTENTION` is not `fp32`.
    public static let bf16Allowed = allowsBF16(environment: ProcessInfo.processInfo.environment)

    /// The kernel for a sequence of `length` tokens: bf16 where `bf16Allowed` and the sequence
    /// has at least `bf16MinimumLength` tokens, else fp32 on `FloatKernelPath.selected`.
    public static func selected(length: Int) -> AttentionKernel {
        bf16Allowed && length >= bf16MinimumLength ? .bf16 : .fp32(.selected)
    }

    static func allowsBF16(environment: [String: String]) -> Bool {
        environment["QUANTSERVE_ATTENTION"]?.lowercased() != "fp32" && FloatKernelPath.selected == .avx512
            && cpuHasAVX512BF16
    }

    private static let cpuHasAVX512BF16 = qs_cpu_supports_avx512bf16() != 0
}
