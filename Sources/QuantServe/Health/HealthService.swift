import QuantServeAPI
import QuantServeGRPC

/// The standard gRPC health service, `grpc.health.v1.Health`, answering from a `HealthStatusBoard`.
///
/// `Check` returns the current status of a service name, NOT_FOUND for an unknown name.
/// `Watch` streams the current status (SERVICE_UNKNOWN for an unknown name) and then every
/// change, until the client cancels or the board shuts down.
public struct HealthService: RPCService {
    /// Where the statuses come from.
    public let board: HealthStatusBoard

    /// A health service answering from `board`.
    public init(board: HealthStatusBoard) {
        self.board = board
    }

    /// Registers `Check` and `Watch`.
    public func register(in router: inout RPCRouter) {
        let board = board
        router.registerUnary(HealthMethods.check, request: HealthCheckRequest.self, response: HealthCheckResponse.self)
        { request, _ in
            guard let status = board.status(of: request.service) else {
                throw RPCError(code: .notFound, message: "unknown service '\(request.service)'")
            }
            return ServerResponse(HealthCheckResponse(status: status))
        }
        router.registerServerStreaming(
            HealthMethods.watch, request: HealthCheckRequest.self, response: HealthCheckResponse.self
        ) { request, writer, _ in
            for await status in board.updates(for: request.service) {
                try await writer.write(HealthCheckResponse(status: status))
            }
            // The updates end early only when the call is cancelled; a shutdown ends the call with OK.
            try Task.checkCancellation()
            return [:]
        }
    }
}
