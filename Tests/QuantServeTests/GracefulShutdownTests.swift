import QuantServeGRPC
import QuantServeGRPCHTTP2
import QuantServe
import QuantServeAPI
import Testing

/// What `quantserve serve` does on SIGTERM: the health board shuts down (watches end with
/// NOT_SERVING and OK), then the server shuts down gracefully and in-flight calls finish.
@Suite("Graceful shutdown")
struct GracefulShutdownTests {
    @Test(.timeLimit(.minutes(1)))
    func inFlightCallsFinishWithinTheGracePeriod() async throws {
        let server = try await TestServer.start()
        let client = try await server.client()
        let slow = Task {
            try await client.unary(EchoMethods.get, request: EchoRequest(message: "slow", delayMs: 500), responseType: EchoResponse.self)
        }
        try await Task.sleep(for: .milliseconds(100))
        let started = ContinuousClock.now
        await server.stop(gracePeriod: .seconds(5))
        #expect(ContinuousClock.now - started < .seconds(4), "shutdown should end when the last call does")
        let response = try await slow.value
        #expect(response.message.message == "slow")
        await client.close()
    }

    @Test(.timeLimit(.minutes(1)))
    func watchesEndWithNotServingOnShutdown() async throws {
        let server = try await TestServer.start()
        let client = try await server.client()
        let statuses = Task {
            try await client.serverStreaming(HealthMethods.watch, request: HealthCheckRequest(), responseType: HealthCheckResponse.self) { response in
                var statuses: [HealthCheckResponse.ServingStatus] = []
                for try await message in response.messages { statuses.append(message.status) }
                return statuses
            }
        }
        try await Task.sleep(for: .milliseconds(100))
        await server.stop(gracePeriod: .seconds(5))
        let seen = try await statuses.value
        #expect(seen == [.serving, .notServing])
        await client.close()
    }
}
