import QuantServeAPI
import QuantServeGRPC

/// `grpc.health.v1.Health/Check` of one service name: the cheapest useful unary call.
struct HealthCheckWorkload: Workload {
    let name = "health"
    let method = HealthMethods.check
    private let serialized: [UInt8]

    /// Checks `service` (empty: the server as a whole).
    init(service: String) {
        serialized = HealthCheckRequest(service: service).serializedBytes()
    }

    func request(callIndex: Int) -> [UInt8] { serialized }
}
