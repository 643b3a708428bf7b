import Foundation
import QuantServeAPI
import QuantServeGRPC
import QuantServeGRPCHTTP2
import QuantServeTestSupport
import Testing

/// `quantserve serve` as a process: it serves, and SIGTERM or SIGINT make it shut down and exit 0.
@Suite("quantserve serve", .tags(.subprocess))
struct ServeCommandTests {
    @Test("a signal shuts the server down and it exits 0", .timeLimit(.minutes(1)), arguments: [SIGTERM, SIGINT])
    func signalShutsDownCleanly(_ signal: Int32) async throws {
        let process = try ChildProcess(
            try Prerequisite.quantserve.require(), ["serve", "--port", "0", "--enable-echo", "--grace-period", "2"])
        defer { process.terminate() }
        var lines = process.lines.makeAsyncIterator()
        var port: Int?
        while port == nil, let line = await lines.next() {
            port = Self.port(inServingLine: line)
        }
        let servingPort = try #require(port, "quantserve never logged its address")

        let client = GRPCClient(host: "127.0.0.1", port: servingPort)
        try await client.connect()
        let health = try await client.unary(
            HealthMethods.check, request: HealthCheckRequest(), responseType: HealthCheckResponse.self)
        #expect(health.message.status == .serving)
        let echo = try await client.unary(
            EchoMethods.get, request: EchoRequest(message: "up"), responseType: EchoResponse.self)
        #expect(echo.message.message == "up")
        await client.close()

        process.send(signal)
        var rest: [String] = []
        while let line = await lines.next() { rest.append(line) }
        #expect(await process.exitStatus() == 0, "\(rest.joined(separator: "\n"))")
        #expect(rest.contains { $0.contains("shutting down") })
        #expect(rest.contains { $0.contains("stopped") })
    }

    /// The port of the `serving` log line, `… address=127.0.0.1:50051 … serving`.
    static func port(inServingLine line: String) -> Int? {
        guard line.hasSuffix("serving"),
            let address = line.split(separator: " ").first(where: { $0.hasPrefix("address=") }),
            let colon = address.lastIndex(of: ":")
        else { return nil }
        return Int(address[address.index(after: colon)...])
    }
}
