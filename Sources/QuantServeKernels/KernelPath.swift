private import CQuantServeKernels
import Foundation

/// The instruction set an int8 kernel runs on. Chosen once at start-up from CPUID;
/// the environment variable `QUANTSERVE_KERNEL_PATH` (avx512vnni, avxvnni, avx2, portable) forces one.
public enum KernelPath: String, Sendable, CaseIterable {
    /// 512-bit `vpdpbusd` (u8 × s8 quads into int32), 8 rows × 32 channels per micro-tile.
    case avx512vnni
    /// 256-bit VEX `vpdpbusd`, 6 rows × 16 channels per micro-tile.
    case avxvnni
    /// u8 activations widened to int16, int8 weights widened as loaded, exact `vpmaddwd`, 4 rows × 16 channels.
    case avx2
    /// Swift SIMD (`SIMD32<Int16>` products into `SIMD16<Int32>`), for every CPU, aarch64 included.
    case portable

    /// Whether this CPU (and its operating system, for the vector register state) can run the path.
    public var isSupported: Bool {
        switch self {
        case .avx512vnni: Self.cpuHasAVX512VNNI
        case .avxvnni: Self.cpuHasAVXVNNI
        case .avx2: Self.cpuHasAVX2
        case .portable: true
        }
    }

    /// The path used when none is given: the environment's choice when this CPU supports it,
    /// else the best supported one (the cases are declared best first).
    public static let selected: KernelPath = choose(environment: ProcessInfo.processInfo.environment)

    /// The path for an environment: `QUANTSERVE_KERNEL_PATH` (case-insensitive) when it names a
    /// path this CPU supports, else the best supported path.
    static func choose(environment: [String: String]) -> KernelPath {
        if let forced = environment["QUANTSERVE_KERNEL_PATH"],
            let path = KernelPath(rawValue: forced.lowercased()), path.isSupported
        {
            return path
        }
        return allCases.first { $0.isSupported } ?? .portable
    }

    private static let cpuHasAVX2 = qs_cpu_supports_avx2() != 0
    private static let cpuHasAVXVNNI = qs_cpu_supports_avxvnni() != 0
    private static let cpuHasAVX512VNNI = qs_cpu_supports_avx512vnni() != 0
}
