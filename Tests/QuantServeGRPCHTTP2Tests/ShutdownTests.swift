import QuantServeGRPC
import QuantServeGRPCHTTP2
import QuantServeTestSupport
import Testing

@Suite("Graceful shutdown", .tags(.loopback), .timeLimit(.minutes(1)))
struct ShutdownTests {
    @Test func inFlightCallFinishesAndNewCallsAreRefused() async throws {
        let harness = try await TestHarness.start()
        let client = harness.client
        let inFlight = Task {
            try await client.unary(TestMethods.park, request: RawMessage(""), responseType: RawMessage.self)
        }
        #expect(await harness.probe.wait { $0.started == 1 })
        let shutdown = Task { await harness.server.shutdown(gracePeriod: .seconds(600)) }
        // Once the server has sent GOAWAY on the client's connection, a new call on it is refused:
        // beyond the GOAWAY's last stream it is never processed, and the client's transparent
        // retry finds the listener closed.
        #expect(await harness.events.wait { $0.goAways.contains("server shutting down") })
        let refused = await #expect(throws: RPCError.self) {
            _ = try await client.unary(TestMethods.echo, request: RawMessage("late"), responseType: RawMessage.self)
        }
        #expect(refused?.code == .unavailable)
        // The call in flight before the GOAWAY still gets its answer.
        harness.probe.releaseParkedCalls()
        let response = try await inFlight.value
        #expect(response.message.text == "released")
        // The shutdown ends with its last call, not at the grace period (600 s, beyond the test's time limit).
        await shutdown.value
        #expect(harness.probe.completedCount == 1)
        // The listener is closed: a new connection is refused.
        let fresh = GRPCClient(host: "127.0.0.1", port: harness.port)
        await #expect(throws: RPCError.self) { try await fresh.connect() }
        await harness.server.waitUntilClosed()
        await client.close()
    }

    @Test func callsOutlivingTheGracePeriodEndUnavailable() async throws {
        let harness = try await TestHarness.start()
        let client = harness.client
        let inFlight = Task {
            try await client.unary(TestMethods.sleep, request: RawMessage("20000"), responseType: RawMessage.self)
        }
        #expect(await harness.probe.wait { $0.started == 1 })
        await harness.server.shutdown(gracePeriod: .milliseconds(200))
        let error = await #expect(throws: RPCError.self) { _ = try await inFlight.value }
        #expect(error?.code == .unavailable)
        #expect(await harness.probe.wait { $0.cancelled == 1 })
        await client.close()
    }
}
