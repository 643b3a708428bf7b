import Foundation
import QuantServe
import QuantServeTestSupport
import Testing

/// The official `tritonclient` (its gRPC client) as the client of a real server's KServe v2 service
/// (Tests/Python/kserve_interop_client.py): health, metadata, config, ModelInfer with both
/// BYTES encodings checked against Embed and Classify, bad input, statistics, and repository
/// load/unload with the admin token.
@Suite("KServe v2 interop (tritonclient)", .tags(.subprocess))
struct KServeInteropTests {
    @Test(.timeLimit(.minutes(2)))
    func tritonclientPassesEveryCase() async throws {
        let python = try Prerequisite.python.require()
        let repository = try ModelTestServer.temporaryRepository()
        defer { try? FileManager.default.removeItem(at: repository) }
        try TinyModel.write(name: "tiny", version: 1, seed: 1, into: repository)
        let server = try await ModelTestServer.start(repository: repository, defaultModel: "tiny", adminToken: "s3cret")
        await server.models.loadRepository()
        // Present in the repository, loaded only by the client's RepositoryModelLoad.
        try TinyModel.write(name: "spare", version: 1, seed: 2, into: repository)

        let script = Repository.root.appendingPathComponent("Tests/Python/kserve_interop_client.py").path
        let client = try ChildProcess(
            python,
            [
                script, "--port", "\(server.port)", "--model", "tiny",
                "--dimensions", "\(TinyModel.hidden)", "--spare", "spare", "--admin-token", "s3cret",
            ])
        var output: [String] = []
        for await line in client.lines { output.append(line) }
        let status = await client.exitStatus()
        await server.stop()

        let transcript = output.joined(separator: "\n")
        #expect(status == 0, "kserve_interop_client.py failed:\n\(transcript)")
        #expect(output.filter { $0.hasPrefix("FAIL ") }.isEmpty, "\(transcript)")
        #expect(output.contains("kserve interop: 13 passed, 0 failed"), "\(transcript)")
    }
}
