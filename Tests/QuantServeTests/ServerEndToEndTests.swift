import QuantServe
import QuantServeAPI
import QuantServeGRPC
import QuantServeGRPCHTTP2
import QuantServeTestSupport
import Testing

/// The Health and Echo services over a real socket, with QuantServe's own client.
@Suite("Health and Echo over HTTP/2", .tags(.loopback))
struct ServerEndToEndTests {
    @Test(.timeLimit(.minutes(1)))
    func healthCheck() async throws {
        let server = try await TestServer.start()
        let client = try await server.client()
        let response = try await client.unary(
            HealthMethods.check, request: HealthCheckRequest(), responseType: HealthCheckResponse.self)
        #expect(response.message.status == .serving)

        server.board.setStatus(.notServing, for: "minilm")
        let model = try await client.unary(
            HealthMethods.check, request: HealthCheckRequest(service: "minilm"), responseType: HealthCheckResponse.self)
        #expect(model.message.status == .notServing)

        let error = try await #require(throws: RPCError.self) {
            try await client.unary(
                HealthMethods.check, request: HealthCheckRequest(service: "nope"),
                responseType: HealthCheckResponse.self)
        }
        #expect(error.code == .notFound)
        await client.close()
        await server.stop()
    }

    @Test(.timeLimit(.minutes(1)))
    func healthWatchFollowsTheBoardAndEndsOnShutdown() async throws {
        let server = try await TestServer.start()
        let client = try await server.client()
        let seen = try await client.serverStreaming(
            HealthMethods.watch, request: HealthCheckRequest(service: "minilm"), responseType: HealthCheckResponse.self
        ) { response in
            var seen: [HealthCheckResponse.ServingStatus] = []
            for try await message in response.messages {
                seen.append(message.status)
                switch seen.count {
                case 1: server.board.setStatus(.serving, for: "minilm")
                case 2: server.board.shutDown()
                default: break
                }
            }
            return seen
        }
        #expect(seen == [.serviceUnknown, .serving, .notServing])
        await client.close()
        await server.stop()
    }

    @Test(.timeLimit(.minutes(1)))
    func echoEveryCallShape() async throws {
        let server = try await TestServer.start()
        let client = try await server.client()

        let unary = try await client.unary(
            EchoMethods.get, request: EchoRequest(message: "héllo", payload: Array(0...255)),
            metadata: [EchoService.echoInitialKey: "up"], responseType: EchoResponse.self
        )
        #expect(unary.message == EchoResponse(message: "héllo", payload: Array(0...255)))
        #expect(unary.headers.first(EchoService.echoInitialKey) == "up")

        let expanded = try await client.serverStreaming(
            EchoMethods.expand, request: EchoRequest(message: "e", count: 4), responseType: EchoResponse.self
        ) { response in
            var indexes: [UInt32] = []
            for try await message in response.messages { indexes.append(message.index) }
            return indexes
        }
        #expect(expanded == [0, 1, 2, 3])

        let collected = try await client.clientStreaming(
            EchoMethods.collect, requestType: EchoRequest.self, responseType: EchoResponse.self
        ) { writer in
            for word in ["one", "two", "three"] { try await writer.write(EchoRequest(message: word)) }
        }
        #expect(collected.message == EchoResponse(message: "one two three", index: 3))

        let updated = try await client.bidirectionalStreaming(
            EchoMethods.update, requestType: EchoRequest.self, responseType: EchoResponse.self,
            requestProducer: { writer in
                for index in 0..<5 { try await writer.write(EchoRequest(message: "\(index)")) }
            },
            handler: { response in
                var messages: [String] = []
                for try await message in response.messages { messages.append("\(message.index):\(message.message)") }
                return messages
            }
        )
        #expect(updated == ["0:0", "1:1", "2:2", "3:3", "4:4"])
        await client.close()
        await server.stop()
    }

    @Test(.timeLimit(.minutes(1)))
    func echoFailuresAndDeadlinesReachTheClient() async throws {
        let server = try await TestServer.start()
        let client = try await server.client()
        for code in Status.Code.allCases where code != .ok {
            let error = try await #require(throws: RPCError.self) {
                try await client.unary(
                    EchoMethods.get,
                    request: EchoRequest(message: "why \(code) ✓ 100%", failWithCode: UInt32(code.rawValue)),
                    responseType: EchoResponse.self)
            }
            #expect(error.code == code)
            #expect(error.message == "why \(code) ✓ 100%")
        }
        let deadline = try await #require(throws: RPCError.self) {
            try await client.unary(
                EchoMethods.get, request: EchoRequest(delayMs: 30_000), timeout: .milliseconds(100),
                responseType: EchoResponse.self)
        }
        #expect(deadline.code == .deadlineExceeded)
        await client.close()
        await server.stop()
    }
}
