import Logging
import QuantServeGRPC
import QuantServeGRPCHTTP2
import QuantServeTestSupport

/// A real server on 127.0.0.1 (ephemeral port) with the test service, and a connected client.
struct TestHarness {
    let server: GRPCServer
    let client: GRPCClient
    let probe: HandlerProbe
    /// What the server did (connections, GOAWAYs, calls), when the configuration had no
    /// observer of its own.
    let events: ServerEvents
    let port: Int

    /// Starts a server with `configuration` (host and port are overridden) and connects a client.
    static func start(
        configuration: ServerConfiguration = .init(),
        clientConfiguration: ClientConfiguration = .init()
    ) async throws -> TestHarness {
        let probe = HandlerProbe()
        let events = ServerEvents()
        var configuration = configuration
        configuration.host = "127.0.0.1"
        configuration.port = 0
        if configuration.observer == nil { configuration.observer = events }
        var logger = Logger(label: "test.grpc.server")
        logger.logLevel = .critical
        let server = GRPCServer(
            router: RPCRouter(services: [TestService(probe: probe)]), configuration: configuration, logger: logger)
        let port = try await server.start()
        let client = GRPCClient(host: "127.0.0.1", port: port, configuration: clientConfiguration)
        try await client.connect()
        return TestHarness(server: server, client: client, probe: probe, events: events, port: port)
    }

    /// A second client on its own connection.
    func newClient() async throws -> GRPCClient {
        let client = GRPCClient(host: "127.0.0.1", port: port)
        try await client.connect()
        return client
    }

    /// Checks that a fresh connection still gets a normal answer.
    func serverStillServes() async throws -> Bool {
        let fresh = try await newClient()
        defer { Task { await fresh.close() } }
        let response = try await fresh.unary(
            TestMethods.echo, request: RawMessage("still here"), responseType: RawMessage.self)
        return response.message.text == "still here"
    }

    func stop() async {
        await client.close()
        await server.shutdown(gracePeriod: .seconds(1))
    }
}
