import Foundation
import QuantServeKernels
import QuantServeTestSupport
import Testing

@testable import QuantServeTransformer

/// `quantserve quantize`, `embed` and `tokenize`, run as the built executable on a tiny model.
@Suite("quantserve quantize, embed and tokenize")
struct CommandLineTests {
    /// The quantserve executable built beside the test runner.
    static let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        .deletingLastPathComponent().appendingPathComponent("quantserve")

    struct Outcome {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    private func run(_ arguments: [String], stdin: String = "") throws -> Outcome {
        try #require(
            FileManager.default.isExecutableFile(atPath: Self.executable.path),
            "build the quantserve product first (swift build)")
        let directory = try TemporaryDirectory(prefix: "transformer-tests").url
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = directory.appendingPathComponent("stdin")
        let output = directory.appendingPathComponent("stdout")
        let errors = directory.appendingPathComponent("stderr")
        try Data(stdin.utf8).write(to: input)
        for url in [output, errors] { _ = FileManager.default.createFile(atPath: url.path, contents: nil) }
        let process = Process()
        process.executableURL = Self.executable
        process.arguments = arguments
        process.standardInput = try FileHandle(forReadingFrom: input)
        process.standardOutput = try FileHandle(forWritingTo: output)
        process.standardError = try FileHandle(forWritingTo: errors)
        try process.run()
        process.waitUntilExit()
        return Outcome(
            status: process.terminationStatus, stdout: try String(contentsOf: output, encoding: .utf8),
            stderr: try String(contentsOf: errors, encoding: .utf8))
    }

    @Test func quantizesEmbedsAndTokenizes() throws {
        let root = try TemporaryDirectory(prefix: "transformer-tests").url
        defer { try? FileManager.default.removeItem(at: root) }
        let source = root.appendingPathComponent("hf")
        let model = root.appendingPathComponent("models/tiny/3")
        try TinyBert().write(to: source)
        let quantize = try run(["quantize", "--from", source.path, "--to", model.path, "--threads", "1"])
        #expect(quantize.status == 0, "\(quantize.stderr)")
        #expect(quantize.stdout.contains("model.safetensors  sha256 "))
        let again = try run(["quantize", "--from", source.path, "--to", model.path])
        #expect(again.status != 0 && again.stderr.contains("already exists"))

        let texts = [
            "where is my order?", "", "refund \\\"please\\\" \\u00e9", String(repeating: "thanks ", count: 400),
        ]
        let input = texts.map { "\"\($0)\"" }.joined(separator: "\n") + "\n"
        let embed = try run(["embed", "--model", model.path, "--batch-size", "3"], stdin: input)
        #expect(embed.status == 0, "\(embed.stderr)")
        struct EmbedLine: Decodable {
            let embedding: [Float]
            let token_count: Int
        }
        let lines = try embed.stdout.split(separator: "\n").map {
            try JSONDecoder().decode(EmbedLine.self, from: Data($0.utf8))
        }
        let encoder = try BertEncoder(modelDirectory: model, pool: ComputePool(threads: 1))
        let decodedTexts = try texts.map { try JSONDecoder().decode(String.self, from: Data("\"\($0)\"".utf8)) }
        let expected = try encoder.embed(texts: decodedTexts, truncate: true)
        #expect(lines.map(\.embedding) == expected.map(\.values))
        #expect(lines.map(\.token_count) == expected.map(\.tokenCount))
        #expect(lines.last?.token_count == 256)

        let tokenize = try run(["tokenize", "--model", model.path], stdin: input)
        #expect(tokenize.status == 0, "\(tokenize.stderr)")
        struct TokenizeLine: Decodable { let ids: [UInt32] }
        let ids = try tokenize.stdout.split(separator: "\n").map {
            try JSONDecoder().decode(TokenizeLine.self, from: Data($0.utf8)).ids
        }
        #expect(ids == (try decodedTexts.map { try encoder.tokenize($0, truncate: true) }))
        let strict = try run(["tokenize", "--model", model.path, "--no-truncate"], stdin: input)
        #expect(strict.status != 0 && strict.stderr.contains("line 4"), "\(strict.stderr)")
    }

    @Test func namesTheLineOfBadInput() throws {
        let folder = try TinyModelFolder()
        for (input, line) in [
            ("\"fine\"\n{\"text\": 1}\n", 2), ("\"a\"\n\"b\"\n\n\"c\"\n", 3), ("42\n", 1),
            ("\"unterminated\n", 1),
        ] {
            let outcome = try run(["embed", "--model", folder.model.path], stdin: input)
            #expect(outcome.status != 0)
            #expect(outcome.stderr.contains("line \(line): not a JSON string"), "\(outcome.stderr)")
        }
        let missing = try run(
            ["embed", "--model", folder.root.appendingPathComponent("nowhere").path], stdin: "\"x\"\n")
        #expect(missing.status != 0 && missing.stderr.contains("quantserve.json"), "\(missing.stderr)")
    }
}
