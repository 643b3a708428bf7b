import Foundation
import QuantServe
import QuantServeAPI
import QuantServeGRPC
import QuantServeTestSupport
import Testing

/// Tests on the real default model (models/minilm/1, made by scripts/fetch-default-model.sh,
/// which scripts/test.sh runs first).
@Suite(.serialized, .tags(.loopback))
struct DefaultModelTests {
    init() throws { _ = try DefaultModel.prerequisite.require() }

    @Test(.timeLimit(.minutes(5)))
    func servedEmbeddingsEqualTheOfflineTool() async throws {
        let texts = [
            "Where is my order #4521?", "I want a refund for the broken lamp.", "Hello", "",
            "Mon colis n'est pas arrivé, pouvez-vous vérifier ?", "我的订单在哪里？",
            String(repeating: "very long text ", count: 200),
        ]
        let offline = try DefaultModel.offlineEmbeddings(texts)
        let server = try await ModelTestServer.start(repository: try DefaultModel.repository(), defaultModel: "minilm")
        await server.models.loadRepository()
        let client = try await server.client()
        let served = try await client.embed(texts, truncate: true)
        #expect(served.embeddings.count == texts.count)
        for (index, (embedding, reference)) in zip(served.embeddings, offline).enumerated() {
            #expect(embedding.values == reference.embedding, "text \(index): served and offline embeddings differ")
            #expect(Int(embedding.tokenCount) == reference.tokenCount, "text \(index)")
        }
        await client.close()
        await server.stop()
    }

    @Test(.timeLimit(.minutes(5)))
    func classifiesHeldOutCustomerPhrasings() async throws {
        struct Case: Decodable {
            let text: String
            let label: String
        }
        let cases = try JSONDecoder().decode(
            [Case].self,
            from: Data(contentsOf: Repository.root.appendingPathComponent("Tests/Data/held-out-intents.json")))
        let server = try await ModelTestServer.start(repository: try DefaultModel.repository(), defaultModel: "minilm")
        await server.models.loadRepository()
        let client = try await server.client()
        let response = try await client.unary(
            InferenceMethods.classify, request: ClassifyRequest(texts: cases.map(\.text), topK: 3),
            responseType: ClassifyResponse.self
        ).message
        var correct = 0
        for (item, result) in zip(cases, response.results) {
            let labels = result.labels
            #expect(labels.count == 3)
            #expect(labels.map(\.score) == labels.map(\.score).sorted(by: >))
            if labels.first?.label == item.label { correct += 1 }
        }
        let accuracy = Double(correct) / Double(cases.count)
        print("held-out intent top-1 accuracy: \(correct)/\(cases.count) = \(accuracy)")
        #expect(Set(cases.map(\.label)).count == 15, "every intent is covered")
        #expect(accuracy >= 0.85, "top-1 accuracy \(accuracy) is below 0.85")
        await client.close()
        await server.stop()
    }

    @Test(.timeLimit(.minutes(5)), .tags(.subprocess))
    func grpcioClientCallsInferenceAndAdmin() async throws {
        let python = try Prerequisite.python.require()
        let server = try await ModelTestServer.start(
            repository: try DefaultModel.repository(spareVersion: 2), defaultModel: "minilm",
            adminToken: "interop-token")
        try await server.models.registry.load(name: "minilm", version: 1, serve: true)
        let script = Repository.root.appendingPathComponent("Tests/Python/interop_inference.py").path
        let child = try ChildProcess(
            python,
            [
                script, "--port", "\(server.port)", "--model", "minilm", "--version", "1",
                "--spare-version", "2", "--admin-token", "interop-token",
            ])
        var output: [String] = []
        for await line in child.lines { output.append(line) }
        let status = await child.exitStatus()
        await server.stop()
        let transcript = output.joined(separator: "\n")
        #expect(status == 0, "interop_inference.py failed:\n\(transcript)")
        #expect(output.contains { $0.hasPrefix("interop: ") && $0.hasSuffix(" 0 failed") }, "\(transcript)")
    }
}

/// Where the default model is, and the offline tool's view of it.
enum DefaultModel {
    static let folder = Repository.root.appendingPathComponent("models/minilm/1")
    /// The gate of every test that needs it (see `Prerequisite`).
    static let prerequisite = Prerequisite.file(
        "the default model (models/minilm/1/quantserve.json)", at: "models/minilm/1/quantserve.json",
        remedy: "run scripts/fetch-default-model.sh")

    /// A temporary repository whose minilm/1 (and minilm/`spareVersion`) link to the default model.
    static func repository(spareVersion: UInt64? = nil) throws -> URL {
        let root = try ModelTestServer.temporaryRepository()
        let model = root.appendingPathComponent("minilm")
        try FileManager.default.createDirectory(at: model, withIntermediateDirectories: true)
        for version in [1] + (spareVersion.map { [$0] } ?? []) {
            try FileManager.default.createSymbolicLink(
                at: model.appendingPathComponent("\(version)"), withDestinationURL: folder)
        }
        return root
    }

    struct OfflineEmbedding: Decodable {
        let embedding: [Float]
        let tokenCount: Int
        enum CodingKeys: String, CodingKey {
            case embedding
            case tokenCount = "token_count"
        }
    }

    /// `quantserve embed --model models/minilm/1` over `texts`.
    static func offlineEmbeddings(_ texts: [String]) throws -> [OfflineEmbedding] {
        let binary = try Prerequisite.quantserve.require()
        let input = FileManager.default.temporaryDirectory.appendingPathComponent("embed-input-\(UUID()).jsonl")
        let lines = try texts.map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) }
        try (lines.joined(separator: "\n") + "\n").write(to: input, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = binary
        process.arguments = ["embed", "--model", folder.path, "--file", input.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw OfflineToolFailed(status: process.terminationStatus) }
        return try data.split(separator: UInt8(ascii: "\n")).map {
            try JSONDecoder().decode(OfflineEmbedding.self, from: Data($0))
        }
    }

    struct OfflineToolFailed: Error { let status: Int32 }
}
