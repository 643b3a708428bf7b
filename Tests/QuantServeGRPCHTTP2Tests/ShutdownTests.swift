import QuantServeGRPC
import QuantServeGRPCHTTP2
import Testing

@Suite("Graceful shutdown")
struct ShutdownTests {
    @Test func inFlightCallFinishesAndNewCallsAreRefused() async throws {
        let harness = try await TestHarness.start()
        let client = harness.client
        let inFlight = Task {
            try await client.unary(TestMethods.sleep, request: RawMessage("400"), responseType: RawMessage.self)
        }
        #expect(await harness.probe.wait { $0.startedCount == 1 })
        let started = ContinuousClock.now
        let shutdown = Task { await harness.server.shutdown(gracePeriod: .seconds(10)) }
        // GOAWAY reaches the client quickly; from then on new calls on it fail with UNAVAILABLE.
        var refused: RPCError?
        for _ in 0..<200 where refused == nil {
            do {
                _ = try await client.unary(TestMethods.echo, request: RawMessage("late"), responseType: RawMessage.self)
                try await Task.sleep(for: .milliseconds(5))
            } catch let error as RPCError {
                refused = error
            }
        }
        #expect(refused?.code == .unavailable)
        let response = try await inFlight.value
        #expect(response.message.text == "slept")
        await shutdown.value
        #expect(ContinuousClock.now - started < .seconds(5))
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
        #expect(await harness.probe.wait { $0.startedCount == 1 })
        let started = ContinuousClock.now
        await harness.server.shutdown(gracePeriod: .milliseconds(200))
        #expect(ContinuousClock.now - started < .seconds(5))
        let error = await #expect(throws: RPCError.self) { _ = try await inFlight.value }
        #expect(error?.code == .unavailable)
        #expect(await harness.probe.wait { $0.cancelledCount == 1 })
        await client.close()
    }
}
