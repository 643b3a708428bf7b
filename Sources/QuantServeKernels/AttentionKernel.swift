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

    /// Whether the encoder may use bf16 products: the CPU has AVX512_BF16, the fp32 kernels run
    /// their AVX-512 path, and `QUANTSERVE_ATTENTION` is not `fp32`.
    public static let bf16Allowed = allowsBF16(environment: ProcessInfo.processInfo.environment)

    /// The kernel for every sequence: bf16 where `bf16Allowed`, else fp32 on
    /// `FloatKernelPath.selected`. No length threshold: with the head packed without masks or
    /// gathers, bf16 is faster than the fp32 kernel from 2 tokens on (head dim 32, 0.21 against
    /// 0.24 µs at 2 tokens, 0.48 against 0.59 at 16, 4.4 against 6.8 at 64; benchmarks/kernels/README.md,
    /// "bf16 attention"), and MiniLMAccuracyTests hold with it on sequences of any length.
    public static var selected: AttentionKernel { bf16Allowed ? .bf16 : .fp32(.selected) }

    static func allowsBF16(environment: [String: String]) -> Bool {
        environment["QUANTSERVE_ATTENTION"]?.lowercased() != "fp32" && FloatKernelPath.selected == .avx512
            && cpuHasAVX512BF16
    }

    private static let cpuHasAVX512BF16 = qs_cpu_supports_avx512bf16() != 0
}
