import Foundation
import Logging
import QuantServeHTTP
import QuantServeTestSupport
import Synchronization
import Testing

/// A server on a loopback port with a few routes and small limits, for raw-socket tests.
private struct Harness {
    let server: HTTPServer
    /// How many times the POST /echo handler ran.
    let echoCalls: Counter

    final class Counter: Sendable {
        private let count = Mutex(0)
        func increment() { count.withLock { $0 += 1 } }
        var value: Int { count.withLock { $0 } }
    }

    static let bodyLimit = 1024

    static func start(
        maxConnections: Int = 16, idleTimeout: Duration = .seconds(30),
        requestTimeout: Duration = .seconds(30)
    ) async throws -> (Harness, Int) {
        let echoCalls = Counter()
        var router = HTTPRouter()
        router.add("GET", "/hello") { _ in .text(200, "hello") }
        router.add("POST", "/echo") { [echoCalls] request in
            echoCalls.increment()
            return HTTPResponse(status: 200, contentType: "application/octet-stream", body: request.body)
        }
        router.add("GET", "/fails") { _ in throw CancellationError() }
        var configuration = HTTPServerConfiguration(host: "127.0.0.1", port: 0)
        configuration.maxRequestBodyBytes = bodyLimit
        configuration.maxHeaderBytes = 2048
        configuration.maxHeaderFields = 20
        configuration.maxConnections = maxConnections
        configuration.idleTimeout = idleTimeout
        configuration.requestTimeout = requestTimeout
        let server = HTTPServer(router: router, configuration: configuration, logger: Logger(label: "test"))
        let port = try await server.start()
        return (Harness(server: server, echoCalls: echoCalls), port)
    }

    var echoCallCount: Int { echoCalls.value }
}

@Suite("HTTP/1.1 server limits, over raw sockets", .tags(.loopback))
struct HTTPServerTests {
    @Test func routesAnswerAndTheConnectionStaysOpenForTheNext() async throws {
        let (harness, port) = try await Harness.start()
        let connection = try await RawHTTPConnection.connect(port: port)
        try await connection.write("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(await connection.waitForResponses(1).first?.body == "hello\n")
        try await connection.write("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nabcde")
        let responses = await connection.waitForResponses(2)
        #expect(responses.map(\.status) == [200, 200])
        #expect(responses.last?.body == "abcde")
        #expect(responses.last?.headers["connection"] == "keep-alive")
        #expect(harness.server.connectionStatistics.open == 1)
        await connection.close()
        await harness.server.shutdown(gracePeriod: .seconds(1))
    }

    @Test func pipelinedRequestsAreAnsweredInOrder() async throws {
        let (harness, port) = try await Harness.start()
        let connection = try await RawHTTPConnection.connect(port: port)
        try await connection.write(
            "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\none"
                + "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\ntwo\r\n0\r\n\r\n"
                + "GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        #expect(await connection.waitForClose())
        let responses = ParsedResponse.parseAll(connection.received)
        #expect(responses.map(\.body) == ["one", "two", "hello\n"])
        #expect(responses.last?.headers["connection"] == "close")
        await harness.server.shutdown(gracePeriod: .seconds(1))
    }

    @Test func unknownPathIs404AndWrongMethodIs405WithAllow() async throws {
        let (harness, port) = try await Harness.start()
        let connection = try await RawHTTPConnection.connect(port: port)
        try await connection.write(
            "GET /nowhere?x=1 HTTP/1.1\r\nHost: x\r\n\r\nDELETE /hello HTTP/1.1\r\nHost: x\r\n\r\n")
        let responses = await connection.waitForResponses(2)
        #expect(responses.map(\.status) == [404, 405])
        #expect(responses.last?.headers["allow"] == "GET")
        await connection.close()
        await harness.server.shutdown(gracePeriod: .seconds(1))
    }

    @Test func aHandlerThatThrowsGives500() async throws {
        let (harness, port) = try await Harness.start()
        let connection = try await RawHTTPConnection.connect(port: port)
        try await connection.write("GET /fails HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(await connection.waitForResponses(1).first?.status == 500)
        await connection.close()
        await harness.server.shutdown(gracePeriod: .seconds(1))
    }

    @Test func oversizedContentLengthGets413BeforeTheBodyIsSent() async throws {
        let (harness, port) = try await Harness.start()
        let connection = try await RawHTTPConnection.connect(port: port)
        // Only the head: the server must answer without waiting for (or buffering) the body.
        try await connection.write("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: \(Harness.bodyLimit + 1)\r\n\r\n")
        #expect(await connection.waitForClose())
        let response = ParsedResponse.parseAll(connection.received).first
        #expect(response?.status == 413)
        #expect(response?.body.contains("\(Harness.bodyLimit) bytes") == true)
        #expect(harness.echoCallCount == 0)
        await harness.server.shutdown(gracePeriod: .seconds(1))
    }

    @Test func chunkedBodyPastTheLimitGets413() async throws {
        let (harness, port) = try await Harness.start()
        let connection = try await RawHTTPConnection.connect(port: port)
        let chunk = String(repeating: "a", count: 600)
        try await connection.write(
            "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "258\r\n\(chunk)\r\n258\r\n\(chunk)\r\n")
        #expect(await connection.waitForClose())
        #expect(ParsedResponse.parseAll(connection.received).first?.status == 413)
        #expect(harness.echoCallCount == 0)
        await harness.server.shutdown(gracePeriod: .seconds(1))
    }

    @Test func oversizedHeadersGet431() async throws {
        let (harness, port) = try await Harness.start()
        let connection = try await RawHTTPConnection.connect(port: port)
        try await connection.write(
            "GET /hello HTTP/1.1\r\nHost: x\r\nX-Big: \(String(repeating: "b", count: 4096))\r\n\r\n")
        #expect(await connection.waitForClose())
        #expect(ParsedResponse.parseAll(connection.received).first?.status == 431)

        let many = try await RawHTTPConnection.connect(port: port)
        try await many.write("GET /hello HTTP/1.1\r\n" + (0..<30).map { "X-\($0): 1\r\n" }.joined() + "\r\n")
        #expect(await many.waitForClose())
        #expect(ParsedResponse.parseAll(many.received).first?.status == 431)
        await harness.server.shutdown(gracePeriod: .seconds(1))
    }

    @Test(arguments: [
        "NOT HTTP AT ALL\r\n\r\n", "GET /hello HTTP/1.1\r\nHost x\r\n\r\n",
        "POST /echo HTTP/1.1\r\nContent-Length: 12abc\r\n\r\n", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
    ])
    func malformedRequestsGet400AndTheConnectionCloses(request: String) async throws {
        let (harness, port) = try await Harness.start()
        let connection = try await RawHTTPConnection.connect(port: port)
        try await connection.write(request)
        #expect(await connection.waitForClose())
        #expect(ParsedResponse.parseAll(connection.received).first?.status == 400)
        await harness.server.shutdown(gracePeriod: .seconds(1))
    }

    @Test func aSlowlorisHeadIsCutAtTheIdleTimeout() async throws {
        let (harness, port) = try await Harness.start(idleTimeout: .milliseconds(300))
        let connection = try await RawHTTPConnection.connect(port: port)
        // ... and never the rest. On a loaded machine the timeout may close the connection before
        // this write lands; the connection is then cut all the same.
        try? await connection.write("GET /hello HTTP/1.1\r\nHost: x\r\nX-Slow: 1\r\n")
        #expect(await connection.waitForClose())
        #expect(connection.received.isEmpty)
        await harness.server.shutdown(gracePeriod: .seconds(1))
    }

    @Test func aSlowBodyGets408AtTheRequestTimeout() async throws {
        let (harness, port) = try await Harness.start(requestTimeout: .milliseconds(300))
        let connection = try await RawHTTPConnection.connect(port: port)
        try await connection.write("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc")
        #expect(await connection.waitForClose())
        #expect(ParsedResponse.parseAll(connection.received).first?.status == 408)
        #expect(harness.echoCallCount == 0)
        await harness.server.shutdown(gracePeriod: .seconds(1))
    }

    @Test func connectionsBeyondTheLimitGet503() async throws {
        let (harness, port) = try await Harness.start(maxConnections: 1)
        let first = try await RawHTTPConnection.connect(port: port)
        try await first.write("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(await first.waitForResponses(1).first?.status == 200)
        let second = try await RawHTTPConnection.connect(port: port)
        #expect(await second.waitForClose())
        let refusal = ParsedResponse.parseAll(second.received).first
        #expect(refusal?.status == 503)
        #expect(refusal?.body.contains("too many connections") == true)
        #expect(harness.server.connectionStatistics.refused == 1)
        await first.close()
        await harness.server.shutdown(gracePeriod: .seconds(1))
    }
}
