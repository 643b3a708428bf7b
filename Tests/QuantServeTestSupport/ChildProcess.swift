import Foundation
import Testing

/// A child process whose output lines a test reads as they come.
/// `Process` is not `Sendable`; it is only waited on (from one thread) and signalled.
public final class ChildProcess: @unchecked Sendable {
    private let process: Process
    /// Every line the process writes to stdout and stderr, in order; ends when it exits.
    public let lines: AsyncStream<String>

    /// Starts `executable` with `arguments` (and `environment` added to the test's own).
    public init(_ executable: URL, _ arguments: [String], environment: [String: String] = [:]) throws {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
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
    public func exitStatus() async -> Int32 {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                self.process.waitUntilExit()
                continuation.resume(returning: self.process.terminationStatus)
            }
        }
    }

    /// Waits for the process to exit; returns its exit status and everything it wrote.
    public func run() async -> (status: Int32, output: String) {
        var output: [String] = []
        for await line in lines { output.append(line) }
        return (await exitStatus(), output.joined(separator: "\n"))
    }

    /// Sends `signal` to the process.
    public func send(_ signal: Int32) {
        kill(process.processIdentifier, signal)
    }

    /// Kills the process if it is still running.
    public func terminate() {
        if process.isRunning { process.terminate() }
    }
}

/// The scripts of `Tests/Python`, run with the project venv's Python.
public enum PythonScript {
    /// Runs `script` with `arguments` and returns its stdout; throws `Failure` (with its stderr)
    /// when it exits with an error. Skips the test (fails it on CI) without a venv.
    public static func run(_ script: String, arguments: [String]) throws -> Data {
        let process = Process()
        process.executableURL = try Prerequisite.python.require()
        process.arguments = [Repository.pythonScript(script).path] + arguments
        let errors = try TemporaryDirectory(prefix: "python-stderr")
        defer { errors.remove() }
        let errorFile = errors.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: errorFile.path, contents: nil)
        let output = Pipe()
        process.standardOutput = output
        process.standardError = try FileHandle(forWritingTo: errorFile)
        try process.run()
        let result = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(
                script: script, status: process.terminationStatus,
                stderr: (try? String(contentsOf: errorFile, encoding: .utf8)) ?? "")
        }
        return result
    }

    /// Starts `script` with `arguments` as a child process whose output lines the test reads.
    public static func start(_ script: String, arguments: [String], environment: [String: String] = [:]) throws
        -> ChildProcess
    {
        try ChildProcess(
            try Prerequisite.python.require(), [Repository.pythonScript(script).path] + arguments,
            environment: environment)
    }

    /// A Python script exited with an error.
    public struct Failure: Error, CustomStringConvertible {
        public let script: String
        public let status: Int32
        public let stderr: String
        public var description: String { "\(script) exited with \(status): \(stderr)" }
    }
}
