import Foundation
import QuantServeAPI
import QuantServeTestSupport
import Testing

/// h2load, a standard HTTP/2 load tool, drives health Check at a real server: every request
/// must succeed. h2load checks only the HTTP status; the gRPC status is checked by the other tests.
@Suite("h2load", .tags(.subprocess))
struct H2LoadTests {
    @Test(.timeLimit(.minutes(2)))
    func healthCheckLoadAllSucceeds() async throws {
        let h2load = try Prerequisite.h2load.require()
        let server = try await TestServer.start()
        let requestFile = FileManager.default.temporaryDirectory.appendingPathComponent(
            "health-check-\(UUID().uuidString).bin")
        defer { try? FileManager.default.removeItem(at: requestFile) }
        try Data(Self.framed(HealthCheckRequest(service: "").serializedBytes())).write(to: requestFile)

        let requests = 2_000
        let client = try ChildProcess(
            h2load,
            [
                "-n", "\(requests)", "-c", "4", "-m", "10",
                "-H", "content-type: application/grpc", "-H", "te: trailers",
                "-d", requestFile.path,
                "http://127.0.0.1:\(server.port)\(HealthMethods.check.path)",
            ])
        var output: [String] = []
        for await line in client.lines { output.append(line) }
        let status = await client.exitStatus()
        await server.stop()

        let transcript = output.joined(separator: "\n")
        #expect(status == 0, "\(transcript)")
        let summary = try #require(H2LoadSummary(output), "no summary in h2load's output:\n\(transcript)")
        #expect(summary.succeeded == requests, "\(transcript)")
        #expect(summary.failed == 0 && summary.errored == 0, "\(transcript)")
        #expect(summary.status2xx == requests, "\(transcript)")
    }

    /// A message with its gRPC frame header: uncompressed flag, big-endian length.
    static func framed(_ message: [UInt8]) -> [UInt8] {
        let length = UInt32(message.count)
        return [
            0, UInt8(length >> 24), UInt8((length >> 16) & 0xFF), UInt8((length >> 8) & 0xFF), UInt8(length & 0xFF),
        ] + message
    }
}

/// The counts of h2load's summary lines:
/// `requests: 2000 total, 2000 started, 2000 done, 2000 succeeded, 0 failed, 0 errored, 0 timeout`
/// and `status codes: 2000 2xx, 0 3xx, 0 4xx, 0 5xx`.
struct H2LoadSummary {
    var succeeded: Int
    var failed: Int
    var errored: Int
    var status2xx: Int

    init?(_ lines: [String]) {
        guard let requests = lines.first(where: { $0.hasPrefix("requests: ") }),
            let statuses = lines.first(where: { $0.hasPrefix("status codes: ") })
        else { return nil }
        let counts = Self.counts(requests)
        let statusCounts = Self.counts(statuses)
        guard let succeeded = counts["succeeded"], let failed = counts["failed"], let errored = counts["errored"],
            let status2xx = statusCounts["2xx"]
        else { return nil }
        self.succeeded = succeeded
        self.failed = failed
        self.errored = errored
        self.status2xx = status2xx
    }

    /// `label: 12 a, 3 b` → ["a": 12, "b": 3].
    private static func counts(_ line: String) -> [String: Int] {
        guard let colon = line.firstIndex(of: ":") else { return [:] }
        var counts: [String: Int] = [:]
        for item in line[line.index(after: colon)...].split(separator: ",") {
            let words = item.split(separator: " ")
            if words.count == 2, let count = Int(words[0]) { counts[String(words[1])] = count }
        }
        return counts
    }
}
