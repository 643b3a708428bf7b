import Logging
import QuantServe
import QuantServeGRPC
import QuantServeGRPCHTTP2
import QuantServeTestSupport

/// A real GRPCServer on 127.0.0.1 and a free port, with the Health and Echo services.
struct TestServer: Sendable {
    let server: GRPCServer
    let board: HealthStatusBoard
    /// What the server did (connections, GOAWAYs, calls), for tests to wait on.
    let events: ServerEvents
    let port: Int

    static func start() async throws -> TestServer {
        let board = HealthStatusBoard()
        let router = RPCRouter(services: [HealthService(board: board), EchoService()])
        var logger = Logger(label: "quantserve.tests")
        logger.logLevel = .warning
        let events = ServerEvents()
        var configuration = ServerConfiguration(host: "127.0.0.1", port: 0)
        configuration.observer = events
        let server = GRPCServer(router: router, configuration: configuration, logger: logger)
        let port = try await server.start()
        return TestServer(server: server, board: board, events: events, port: port)
    }

    /// A connected client.
    func client() async throws -> GRPCClient {
        let client = GRPCClient(host: "127.0.0.1", port: port)
        try await client.connect()
        return client
    }

    /// Shuts down as `quantserve serve` does: the health board first, then the server.
    func stop(gracePeriod: Duration = .seconds(1)) async {
        board.shutDown()
        await server.shutdown(gracePeriod: gracePeriod)
    }
}
