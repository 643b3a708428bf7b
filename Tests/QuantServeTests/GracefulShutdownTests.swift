import QuantServe
import QuantServeAPI
import QuantServeGRPC
import QuantServeGRPCHTTP2
import QuantServeTestSupport
import Testing

/// What `quantserve serve` does on SIGTERM: the health board shuts down (watches end with
/// NOT_SERVING and OK), then the server shuts down gracefully and in-flight calls finish.
@Suite("Graceful shutdown", .tags(.loopback))
struct GracefulShutdownTests {
    /// A bidirectional Update call is in flight (its first echo came back) when the server is
    /// stopped: after the GOAWAY it still carries messages, and ends normally; the shutdown ends
    /// with it, not at the grace period (600 s, beyond the test's time limit).
    @Test(.timeLimit(.minutes(1)))
    func inFlightCallsFinishWithinTheGracePeriod() async throws {
        let server = try await TestServer.start()
        let client = try await server.client()
        let (requests, sendRequest) = AsyncStream.makeStream(of: String.self)
        let (echoes, echoed) = AsyncStream.makeStream(of: String.self)
        let call = Task {
            try await client.bidirectionalStreaming(
                EchoMethods.update, requestType: EchoRequest.self, responseType: EchoResponse.self,
                requestProducer: { writer in
                    for await message in requests { try await writer.write(EchoRequest(message: message)) }
                }
            ) { response in
                for try await message in response.messages { echoed.yield(message.message) }
                echoed.finish()
            }
        }
        var received = echoes.makeAsyncIterator()
        sendRequest.yield("before")
        let first = await received.next()
        #expect(first == "before")  // the call is in flight
        let shutdown = Task { await server.stop(gracePeriod: .seconds(600)) }
        #expect(await server.events.wait { $0.goAways.contains("server shutting down") })
        sendRequest.yield("after GOAWAY")
        let second = await received.next()
        #expect(second == "after GOAWAY")
        sendRequest.finish()
        let end = await received.next()
        #expect(end == nil)
        try await call.value
        await shutdown.value
        #expect(server.events.tally.value.calls.last == .init(method: EchoMethods.update.path, code: .ok))
        await client.close()
    }

    @Test(.timeLimit(.minutes(1)))
    func watchesEndWithNotServingOnShutdown() async throws {
        let server = try await TestServer.start()
        let client = try await server.client()
        let (firstStatus, seenFirst) = AsyncStream.makeStream(of: Void.self)
        let statuses = Task {
            try await client.serverStreaming(
                HealthMethods.watch, request: HealthCheckRequest(), responseType: HealthCheckResponse.self
            ) { response in
                var statuses: [HealthCheckResponse.ServingStatus] = []
                for try await message in response.messages {
                    statuses.append(message.status)
                    seenFirst.yield()
                }
                return statuses
            }
        }
        // The watch has begun once its first status came.
        var first = firstStatus.makeAsyncIterator()
        _ = await first.next()
        await server.stop(gracePeriod: .seconds(5))
        let seen = try await statuses.value
        #expect(seen == [.serving, .notServing])
        await client.close()
    }
}
