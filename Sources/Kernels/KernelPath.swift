import Foundation

/// The instruction set an int8 kernel runs on. Chosen once at start-up from CPUID;
/// the environment variable `QUANTSERVE_KERNEL_PATH` (avx512vnni, avxvnni, avx2, portable) forces one.
public enum KernelPath: String, Sendable, CaseIterable {
    case avx512vnni
    case avxvnni
    case avx2
    case portable

    /// Whether this CPU can run the path.
    public var isSupported: Bool {
        self == .portable  // stand-in: the kernels owner adds CPUID detection
    }

    /// The path used when none is given: the environment's choice, else the best supported one.
    public static let selected: KernelPath = {
        if let forced = ProcessInfo.processInfo.environment["QUANTSERVE_KERNEL_PATH"],
           let path = KernelPath(rawValue: forced), path.isSupported {
            return path
        }
        return allCases.first { $0.isSupported } ?? .portable
    }()
}
