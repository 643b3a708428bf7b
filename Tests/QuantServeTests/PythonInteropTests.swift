import Foundation
import QuantServe
import QuantServeTestSupport
import Testing

/// Python grpcio as the client of a real server (Tests/Python/interop_client.py): health
/// Check and Watch, every Echo call shape, deadlines, cancellation, metadata both ways and
/// every status code.
@Suite("Python grpcio interop", .tags(.subprocess))
struct PythonInteropTests {
    @Test(.timeLimit(.minutes(2)))
    func grpcioClientPassesEveryCase() async throws {
        let python = try Prerequisite.python.require()
        let server = try await TestServer.start()
        let watched = "interop-watched"
        let script = Repository.root.appendingPathComponent("Tests/Python/interop_client.py").path
        let client = try ChildProcess(python, [script, "--port", "\(server.port)", "--watched-service", watched])
        var output: [String] = []
        for await line in client.lines {
            output.append(line)
            // The Watch case waits for this test to register the service it watches.
            if line == "WATCHING \(watched)" { server.board.setStatus(.serving, for: watched) }
        }
        let status = await client.exitStatus()
        await server.stop()

        let transcript = output.joined(separator: "\n")
        #expect(status == 0, "interop_client.py failed:\n\(transcript)")
        #expect(output.filter { $0.hasPrefix("FAIL ") }.isEmpty, "\(transcript)")
        #expect(output.contains { $0.hasPrefix("interop: ") && $0.hasSuffix(" passed, 0 failed") }, "\(transcript)")
        #expect(output.filter { $0.hasPrefix("ok ") }.count >= 12, "\(transcript)")
    }
}
