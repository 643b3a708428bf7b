import Foundation
import QuantServeTestSupport
import Testing

/// Python grpcio with `compression=grpc.Compression.Gzip` and `Deflate` (channel and per call)
/// calling Embed on `quantserve serve`, with each `--response-compression` (Tests/Python/interop_compression.py).
@Suite(.tags(.subprocess))
struct CompressionInteropTests {
    init() throws { _ = try DefaultModel.prerequisite.require() }

    @Test(.timeLimit(.minutes(3)), arguments: ["none", "gzip", "deflate"])
    func grpcioCompressedCallsGetEmbeddings(responseCompression: String) async throws {
        let server = try ChildProcess(
            try Prerequisite.quantserve.require(),
            [
                "serve", "--port", "0", "--model-repository", try DefaultModel.repository().path,
                "--response-compression", responseCompression,
            ])
        defer { server.terminate() }
        var lines = server.lines.makeAsyncIterator()
        var port: Int?
        while port == nil, let line = await lines.next() {
            port = ServeCommandTests.port(inServingLine: line)
        }
        let script = Repository.root.appendingPathComponent("Tests/Python/interop_compression.py").path
        let client = try ChildProcess(
            try Prerequisite.python.require(),
            [
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
