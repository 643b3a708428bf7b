import Foundation
import Testing

/// Python grpcio with `compression=grpc.Compression.Gzip` and `Deflate` (channel and per call)
/// calling Embed on `quantserve serve`, with each `--response-compression` (Tests/Python/interop_compression.py).
@Suite(.enabled(if: DefaultModel.isPresent && ExternalTools.quantserve != nil && ExternalTools.python != nil,
                "needs models/minilm/1, a built quantserve and the Python venv"))
struct CompressionInteropTests {
    @Test(.timeLimit(.minutes(3)), arguments: ["none", "gzip", "deflate"])
    func grpcioCompressedCallsGetEmbeddings(responseCompression: String) async throws {
        let server = try ChildProcess(try #require(ExternalTools.quantserve), [
            "serve", "--port", "0", "--model-repository", try DefaultModel.repository().path,
            "--response-compression", responseCompression,
        ])
        defer { server.terminate() }
        var lines = server.lines.makeAsyncIterator()
        var port: Int?
        while port == nil, let line = await lines.next() {
            port = ServeCommandTests.port(inServingLine: line)
        }
        let script = ExternalTools.repositoryRoot.appendingPathComponent("Tests/Python/interop_compression.py").path
        let client = try ChildProcess(try #require(ExternalTools.python), [
            script, "--port", "\(try #require(port, "quantserve never logged its address"))", "--model", "minilm",
        ])
        var output: [String] = []
        for await line in client.lines { output.append(line) }
        let status = await client.exitStatus()
        let transcript = output.joined(separator: "\n")
        #expect(status == 0, "interop_compression.py failed:\n\(transcript)")
        #expect(output.filter { $0.hasPrefix("ok ") }.count == 4, "\(transcript)")
        #expect(output.contains("interop: 4 passed, 0 failed"), "\(transcript)")
    }
}
