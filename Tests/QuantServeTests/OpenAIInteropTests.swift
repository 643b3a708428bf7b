import Foundation
import Logging
import QuantServe
import QuantServeHTTP
import QuantServeTestSupport
import Testing

/// The official `openai` Python client against the OpenAI-compatible HTTP API of a real
/// server (Tests/Python/interop_openai.py): embeddings in both encodings, single and list
/// inputs, compared with gRPC Embed of the same texts on the same server; error cases.
@Suite("openai client interop", .tags(.subprocess))
struct OpenAIInteropTests {
    @Test(.timeLimit(.minutes(2)))
    func openaiClientPassesEveryCase() async throws {
        let python = try Prerequisite.python.require()
        let repository = try ModelTestServer.temporaryRepository()
        defer { try? FileManager.default.removeItem(at: repository) }
        try TinyModel.write(name: "tiny", version: 1, seed: 7, into: repository)
        let server = try await ModelTestServer.start(repository: repository, defaultModel: "tiny")
        try await server.models.registry.load(name: "tiny", version: 1, serve: true)

        var router = HTTPRouter()
        OpenAIEndpoints(inference: Inference(registry: server.models.registry)).register(in: &router)
        let http = HTTPServer(
            router: router, configuration: HTTPServerConfiguration(host: "127.0.0.1", port: 0),
            logger: Logger(label: "quantserve.tests.http"))
        let httpPort = try await http.start()

        let script = Repository.root.appendingPathComponent("Tests/Python/interop_openai.py").path
        let client = try ChildProcess(
            python,
            [
                script, "--http-port", "\(httpPort)", "--grpc-port", "\(server.port)",
                "--model", "tiny", "--dimensions", "\(TinyModel.hidden)",
            ])
        var output: [String] = []
        for await line in client.lines { output.append(line) }
        let status = await client.exitStatus()
        await http.shutdown(gracePeriod: .seconds(1))
        await server.stop()

        let transcript = output.joined(separator: "\n")
        #expect(status == 0, "interop_openai.py failed:\n\(transcript)")
        #expect(output.filter { $0.hasPrefix("FAIL ") }.isEmpty, "\(transcript)")
        #expect(
            output.contains { $0.hasPrefix("interop_openai: ") && $0.contains(" passed, 0 failed") }, "\(transcript)")
        #expect(output.filter { $0.hasPrefix("ok ") }.count >= 10, "\(transcript)")
    }
}
