import Dispatch

/// Stops the fuzzer with `message` when an invariant does not hold; libFuzzer reports the
/// input as a crash. Unlike `assert`, it is checked in release builds.
public func fuzzCheck(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String,
                      file: StaticString = #file, line: UInt = #line) {
    if !condition() {
        fatalError("invariant broken: \(message())", file: file, line: line)
    }
}

/// Runs `body` on the concurrency pool and blocks the calling (libFuzzer) thread until it ends.
public func runToCompletion(_ body: @escaping @Sendable () async -> Void) {
    let done = DispatchSemaphore(value: 0)
    Task {
        await body()
        done.signal()
    }
    done.wait()
}
