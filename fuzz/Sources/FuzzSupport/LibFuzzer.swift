import CLibFuzzer
import Foundation

/// Runs libFuzzer from a fuzz target's `main`. SwiftPM gives every executable its own entry
/// point, so the targets call libFuzzer's driver instead of relying on libFuzzer's `main`.
public enum LibFuzzer {
    /// Fuzzes `testOneInput` with the flags and corpus folders of the command line, then exits.
    public static func run(_ testOneInput: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> Never {
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv, testOneInput))
    }
}
